using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.AspNetCore.HealthChecks;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Grpc.Net.Client;
using Grpc.Reflection.Internal;
using Krakow.Grpc.InteropServer;
using Krakow.Grpc.Tests.Infrastructure;
using Krakow.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Shouldly;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace Krakow.Grpc.Tests;

/// <summary>
/// grpc.health.v1 and grpc.reflection.v1/v1alpha on real Kestrel (loopback, cleartext HTTP/2) through our client.
/// Health checks are published by hand (<see cref="TestHost.PublishAsync"/>) so every status change is deterministic.
/// </summary>
public sealed class HealthAndReflectionTests
{
    private const string Orders = "krakow.orders.v1.Orders";
    private const string Catalog = "krakow.catalog.v1.Catalog";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Check_of_the_empty_name_is_the_overall_status()
    {
        await using var host = await TestHost.StartAsync();
        var health = new Health.HealthClient(host.Channel);

        (await health.CheckAsync(new HealthCheckRequest(), Deadline())).Status.ShouldBe(ServingStatus.Serving);
        host.Db.Healthy = false;
        (await health.CheckAsync(new HealthCheckRequest(), Deadline())).Status.ShouldBe(ServingStatus.NotServing);
    }

    [Fact]
    public async Task Check_of_a_tag_name_follows_only_the_checks_with_that_tag()
    {
        await using var host = await TestHost.StartAsync();
        var health = new Health.HealthClient(host.Channel);
        host.Db.Healthy = false;

        (await health.CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline())).Status.ShouldBe(ServingStatus.NotServing);
        (await health.CheckAsync(new HealthCheckRequest { Service = Catalog }, Deadline())).Status.ShouldBe(ServingStatus.Serving);
        host.Cache.Runs.ShouldBe(1);
        host.Db.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task Degraded_still_serves()
    {
        await using var host = await TestHost.StartAsync();
        host.Db.Result = HealthCheckResult.Degraded("slow");

        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline()))
            .Status.ShouldBe(ServingStatus.Serving);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_fails_with_not_found()
    {
        await using var host = await TestHost.StartAsync();

        var error = await Should.ThrowAsync<RpcException>(async () =>
            await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, Deadline()));
        error.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task An_explicit_mapping_wins_over_the_tag_rule()
    {
        await using var host = await TestHost.StartAsync(options => options.Services.Map(Orders, check => check.Name == "cache"));
        host.Db.Healthy = false;

        (await new Health.HealthClient(host.Channel).CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline()))
            .Status.ShouldBe(ServingStatus.Serving);
    }

    [Fact]
    public async Task With_the_cache_Check_answers_from_the_last_publication_without_running_checks()
    {
        await using var host = await TestHost.StartAsync(options => options.UseHealthChecksCache = true);
        var health = new Health.HealthClient(host.Channel);
        await host.PublishAsync();
        host.Db.Healthy = false;

        for (var i = 0; i < 5; i++)
        {
            (await health.CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline())).Status.ShouldBe(ServingStatus.Serving);
        }

        host.Db.Runs.ShouldBe(1);
        await host.PublishAsync();
        (await health.CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline())).Status.ShouldBe(ServingStatus.NotServing);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_evaluation()
    {
        await using var host = await TestHost.StartAsync();
        var health = new Health.HealthClient(host.Channel);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Db.Gate = release.Task;

        var checks = Enumerable.Range(0, 10)
            .Select(_ => health.CheckAsync(new HealthCheckRequest { Service = Orders }, Deadline()).ResponseAsync)
            .ToList();
        await WaitUntilAsync(() => host.Db.Runs == 1 && host.Arrivals.Count == checks.Count);
        release.SetResult();

        foreach (var check in checks)
        {
            (await check).Status.ShouldBe(ServingStatus.Serving);
        }

        host.Db.Runs.ShouldBe(1);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change()
    {
        await using var host = await TestHost.StartAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        using var call = new Health.HealthClient(host.Channel).Watch(new HealthCheckRequest { Service = Orders }, cancellationToken: cancel.Token);
        var stream = call.ResponseStream;

        (await NextAsync(stream, cancel.Token)).ShouldBe(ServingStatus.Serving);
        host.Db.Healthy = false;
        await host.PublishAsync();
        (await NextAsync(stream, cancel.Token)).ShouldBe(ServingStatus.NotServing);
        await host.PublishAsync(); // no change: nothing is sent
        host.Db.Healthy = true;
        await host.PublishAsync();
        (await NextAsync(stream, cancel.Token)).ShouldBe(ServingStatus.Serving);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_reports_service_unknown_and_stays_open_until_it_is_known()
    {
        await using var host = await TestHost.StartAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        using var call = new Health.HealthClient(host.Channel).Watch(new HealthCheckRequest { Service = "krakow.manual.v1.Manual" }, cancellationToken: cancel.Token);

        (await NextAsync(call.ResponseStream, cancel.Token)).ShouldBe(ServingStatus.ServiceUnknown);
        var service = host.App.Services.GetRequiredService<HealthServiceImpl>();
        service.SetStatus("krakow.manual.v1.Manual", ServingStatus.NotServing);
        (await NextAsync(call.ResponseStream, cancel.Token)).ShouldBe(ServingStatus.NotServing);
        service.ClearStatus("krakow.manual.v1.Manual");
        (await NextAsync(call.ResponseStream, cancel.Token)).ShouldBe(ServingStatus.ServiceUnknown);
    }

    [Fact]
    public async Task Watchers_share_the_published_evaluation_and_leave_when_the_client_cancels()
    {
        await using var host = await TestHost.StartAsync();
        await host.PublishAsync();
        var health = new Health.HealthClient(host.Channel);
        using var cancel = new CancellationTokenSource();
        var calls = Enumerable.Range(0, 20)
            .Select(_ => health.Watch(new HealthCheckRequest { Service = Orders }, cancellationToken: cancel.Token))
            .ToList();
        foreach (var call in calls)
        {
            (await NextAsync(call.ResponseStream, CancellationToken.None)).ShouldBe(ServingStatus.Serving);
        }

        host.Db.Runs.ShouldBe(1); // twenty watchers, no evaluation of their own
        var service = host.App.Services.GetRequiredService<HealthServiceImpl>();
        service.WatcherCount.ShouldBe(20);

        host.Db.Healthy = false;
        await host.PublishAsync();
        host.Db.Runs.ShouldBe(2);
        foreach (var call in calls)
        {
            (await NextAsync(call.ResponseStream, CancellationToken.None)).ShouldBe(ServingStatus.NotServing);
        }

        await cancel.CancelAsync();
        calls.ForEach(c => c.Dispose());
        await WaitUntilAsync(() => service.WatcherCount == 0);
    }

    [Fact]
    public async Task Stopping_the_host_reports_not_serving_and_ends_watches()
    {
        var host = await TestHost.StartAsync();
        await using (host)
        {
            using var cancel = new CancellationTokenSource(Timeout);
            using var call = new Health.HealthClient(host.Channel).Watch(new HealthCheckRequest(), cancellationToken: cancel.Token);
            (await NextAsync(call.ResponseStream, cancel.Token)).ShouldBe(ServingStatus.Serving);

            var stopping = host.App.StopAsync(cancel.Token);
            (await NextAsync(call.ResponseStream, cancel.Token)).ShouldBe(ServingStatus.NotServing);
            (await call.ResponseStream.MoveNext(cancel.Token)).ShouldBeFalse();
            call.GetStatus().StatusCode.ShouldBe(StatusCode.OK);
            await stopping;
        }
    }

    [Fact]
    public async Task List_services_shows_every_mapped_service_in_both_versions()
    {
        await using var host = await TestHost.StartAsync();
        string[] expected =
        [
            "grpc.health.v1.Health",
            "grpc.reflection.v1.ServerReflection",
            "grpc.reflection.v1alpha.ServerReflection",
            "grpc.testing.TestService",
        ];

        var v1 = await ReflectAsync(host, new V1.ServerReflectionRequest { ListServices = "" });
        v1.Single().ListServicesResponse.Service.Select(s => s.Name).ShouldBe(expected);

        using var cancel = new CancellationTokenSource(Timeout);
        using var call = new V1Alpha.ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo(cancellationToken: cancel.Token);
        await call.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { Host = "h", ListServices = "*" });
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(cancel.Token)).ShouldBeTrue();
        var alpha = call.ResponseStream.Current;
        alpha.ValidHost.ShouldBe("h");
        alpha.OriginalRequest.ListServices.ShouldBe("*");
        alpha.ListServicesResponse.Service.Select(s => s.Name).ShouldBe(expected);
    }

    [Fact]
    public async Task A_symbol_answers_its_file_with_all_imports_once_and_enough_to_rebuild_the_service()
    {
        await using var host = await TestHost.StartAsync();
        var responses = await ReflectAsync(
            host,
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService.UnaryCall" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.SimpleRequest" },
            new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.health.v1.HealthCheckResponse.ServingStatus" },
            new V1.ServerReflectionRequest { FileByFilename = "grpc/health/v1/health.proto" });

        var files = Files(responses[0]);
        files[0].Name.ShouldBe("grpc/testing/test.proto");
        files.Select(f => f.Name).ShouldBeUnique();
        files.Select(f => f.Name).ShouldBe(["grpc/testing/test.proto", "grpc/testing/empty.proto", "grpc/testing/messages.proto"], ignoreOrder: true);
        var rebuilt = Rebuild(responses[0]);
        var service = rebuilt.SelectMany(f => f.Services).Single(s => s.FullName == "grpc.testing.TestService");
        service.FindMethodByName("UnaryCall").InputType.FullName.ShouldBe("grpc.testing.SimpleRequest");

        Files(responses[1])[0].Name.ShouldBe("grpc/testing/test.proto");
        Files(responses[2])[0].Name.ShouldBe("grpc/testing/messages.proto");
        Files(responses[3]).Select(f => f.Name).ShouldBe(["grpc/health/v1/health.proto"]);
        Files(responses[4]).Select(f => f.Name).ShouldBe(["grpc/health/v1/health.proto"]);
    }

    [Fact]
    public async Task Unknown_names_are_answered_not_found_and_the_stream_goes_on()
    {
        await using var host = await TestHost.StartAsync();
        var responses = await ReflectAsync(
            host,
            new V1.ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" },
            new V1.ServerReflectionRequest { FileByFilename = "no/such.proto" },
            new V1.ServerReflectionRequest
            {
                FileContainingExtension = new V1.ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 72295728 },
            },
            new V1.ServerReflectionRequest { AllExtensionNumbersOfType = "no.such.Type" },
            new V1.ServerReflectionRequest { AllExtensionNumbersOfType = "grpc.testing.SimpleRequest" });

        foreach (var response in responses.Take(4))
        {
            response.MessageResponseCase.ShouldBe(V1.ServerReflectionResponse.MessageResponseOneofCase.ErrorResponse);
            response.ErrorResponse.ErrorCode.ShouldBe((int)StatusCode.NotFound);
        }

        responses[4].AllExtensionNumbersResponse.BaseTypeName.ShouldBe("grpc.testing.SimpleRequest");
        responses[4].AllExtensionNumbersResponse.ExtensionNumber.ShouldBeEmpty();
    }

    [Fact]
    public async Task Services_mapped_and_unmapped_at_run_time_come_and_go()
    {
        await using var host = await TestHost.StartAsync();
        using var cancel = new CancellationTokenSource(Timeout);
        using var call = new V1.ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo(cancellationToken: cancel.Token);

        async Task<V1.ServerReflectionResponse> AskAsync(V1.ServerReflectionRequest request)
        {
            await call.RequestStream.WriteAsync(request);
            (await call.ResponseStream.MoveNext(cancel.Token)).ShouldBeTrue();
            return call.ResponseStream.Current;
        }

        var listServices = new V1.ServerReflectionRequest { ListServices = "" };
        var symbol = new V1.ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" };
        (await AskAsync(listServices)).ListServicesResponse.Service.ShouldContain(s => s.Name == "grpc.testing.TestService");
        Files(await AskAsync(symbol))[0].Name.ShouldBe("grpc/testing/test.proto");

        host.TestService.Dispose(); // as a plugin's service is removed while the host runs
        (await AskAsync(listServices)).ListServicesResponse.Service.ShouldNotContain(s => s.Name == "grpc.testing.TestService");
        (await AskAsync(symbol)).ErrorResponse.ErrorCode.ShouldBe((int)StatusCode.NotFound);

        using var again = host.App.MapGrpcService<TestServiceImpl>();
        (await AskAsync(listServices)).ListServicesResponse.Service.ShouldContain(s => s.Name == "grpc.testing.TestService");
        Files(await AskAsync(symbol))[0].Name.ShouldBe("grpc/testing/test.proto");
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public void Extensions_nested_symbols_and_enum_values_are_indexed_as_protobuf_scopes_them()
    {
        // A file built at run time: custom options on methods (top level) and on fields (declared inside a message).
        var proto = new FileDescriptorProto
        {
            Name = "krakow/probe/v1/probe.proto",
            Package = "krakow.probe.v1",
            Syntax = "proto3",
            Dependency = { "google/protobuf/descriptor.proto" },
            Extension = { Field("audit", 50001, FieldDescriptorProto.Types.Type.String, extendee: ".google.protobuf.MethodOptions") },
            EnumType = { new EnumDescriptorProto { Name = "Top", Value = { new EnumValueDescriptorProto { Name = "TOP_UNSPECIFIED", Number = 0 } } } },
            MessageType =
            {
                new DescriptorProto
                {
                    Name = "Outer",
                    Field = { Field("id", 1, FieldDescriptorProto.Types.Type.String) },
                    Extension = { Field("weight", 50002, FieldDescriptorProto.Types.Type.Int32, extendee: ".google.protobuf.FieldOptions") },
                    NestedType = { new DescriptorProto { Name = "Inner" } },
                },
            },
            Service =
            {
                new ServiceDescriptorProto
                {
                    Name = "Probe",
                    Method = { new MethodDescriptorProto { Name = "Ping", InputType = ".krakow.probe.v1.Outer", OutputType = ".krakow.probe.v1.Outer" } },
                },
            },
        };
        var built = FileDescriptor.BuildFromByteStrings([DescriptorReflection.Descriptor.SerializedData, proto.ToByteString()]);
        var snapshot = ReflectionSnapshot.FromDescriptors([built[1].Services[0]]);
        V1.ServerReflectionResponse Ask(V1.ServerReflectionRequest request) => ReflectionResponder.Respond(request, snapshot);

        foreach (var symbol in new[]
        {
            "krakow.probe.v1.Probe", "krakow.probe.v1.Probe.Ping", "krakow.probe.v1.Outer", "krakow.probe.v1.Outer.Inner",
            "krakow.probe.v1.Outer.id", "krakow.probe.v1.audit", "krakow.probe.v1.Outer.weight", "krakow.probe.v1.Top",
            "krakow.probe.v1.TOP_UNSPECIFIED",
        })
        {
            Files(Ask(new V1.ServerReflectionRequest { FileContainingSymbol = symbol }))
                .Select(f => f.Name).ShouldBe(["krakow/probe/v1/probe.proto", "google/protobuf/descriptor.proto"], symbol);
        }

        Files(Ask(new V1.ServerReflectionRequest
        {
            FileContainingExtension = new V1.ExtensionRequest { ContainingType = "google.protobuf.FieldOptions", ExtensionNumber = 50002 },
        }))[0].Name.ShouldBe("krakow/probe/v1/probe.proto");
        Ask(new V1.ServerReflectionRequest { AllExtensionNumbersOfType = "google.protobuf.MethodOptions" })
            .AllExtensionNumbersResponse.ExtensionNumber.ShouldBe([50001]);
        Ask(new V1.ServerReflectionRequest { FileByFilename = "google/protobuf/descriptor.proto" })
            .FileDescriptorResponse.FileDescriptorProto.Count.ShouldBe(1);
        Ask(new V1.ServerReflectionRequest()).ErrorResponse.ErrorCode.ShouldBe((int)StatusCode.InvalidArgument);
    }

    [Theory]
    [InlineData("grpc/health/v1/health.proto")]
    [InlineData("grpc/reflection/v1/reflection.proto")]
    [InlineData("grpc/reflection/v1alpha/reflection.proto")]
    public async Task Our_protos_match_the_published_ones_on_the_wire(string path)
    {
        // The published protos ship in Debian's grpc-proto package and protoc in protobuf-compiler
        // (scripts/install-test-deps.sh). Ours were written separately: same names and numbers, our own comments.
        var output = Path.Combine(Path.GetTempPath(), $"krakow-{Guid.NewGuid():N}.pb");
        try
        {
            var (exitCode, log) = await ExternalProcess.RunAsync(
                "protoc", ["-I/usr/share/grpc-proto", "--descriptor_set_out=" + output, path], Path.GetTempPath(), Timeout);
            exitCode.ShouldBe(0, log);
            var published = FileDescriptorSet.Parser.ParseFrom(await File.ReadAllBytesAsync(output)).File.Single();

            var ours = new[]
            {
                HealthReflection.Descriptor,
                V1.ReflectionReflection.Descriptor,
                V1Alpha.ReflectionReflection.Descriptor,
            }.Single(f => f.Name == path).ToProto();

            WireShape(ours).ShouldBe(WireShape(published));
        }
        finally
        {
            File.Delete(output);
        }
    }

    /// <summary>
    /// What a peer sees on the wire: everything but file and method options (language namespaces) and JSON names
    /// (derived from field names; protoc fills them in descriptor sets but not in the descriptors it embeds in code).
    /// </summary>
    private static FileDescriptorProto WireShape(FileDescriptorProto file)
    {
        var copy = file.Clone();
        copy.Options = null;
        copy.SourceCodeInfo = null;
        foreach (var method in copy.Service.SelectMany(s => s.Method))
        {
            method.Options = null;
        }

        foreach (var message in copy.MessageType)
        {
            ClearJsonNames(message);
        }

        return copy;

        static void ClearJsonNames(DescriptorProto message)
        {
            foreach (var field in message.Field)
            {
                field.ClearJsonName();
            }

            foreach (var nested in message.NestedType)
            {
                ClearJsonNames(nested);
            }
        }
    }

    private static FieldDescriptorProto Field(string name, int number, FieldDescriptorProto.Types.Type type, string? extendee = null)
    {
        var field = new FieldDescriptorProto { Name = name, Number = number, Type = type, Label = FieldDescriptorProto.Types.Label.Optional, JsonName = name };
        if (extendee is not null)
        {
            field.Extendee = extendee;
        }

        return field;
    }

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.Add(Timeout));

    private static async Task<ServingStatus> NextAsync(IAsyncStreamReader<HealthCheckResponse> stream, CancellationToken cancellationToken)
    {
        (await stream.MoveNext(cancellationToken)).ShouldBeTrue();
        return stream.Current.Status;
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Timeout;
        while (!condition())
        {
            DateTime.UtcNow.ShouldBeLessThan(until);
            await Task.Delay(20);
        }
    }

    private static async Task<List<V1.ServerReflectionResponse>> ReflectAsync(TestHost host, params V1.ServerReflectionRequest[] requests)
    {
        using var cancel = new CancellationTokenSource(Timeout);
        using var call = new V1.ServerReflection.ServerReflectionClient(host.Channel).ServerReflectionInfo(cancellationToken: cancel.Token);
        foreach (var request in requests)
        {
            await call.RequestStream.WriteAsync(request);
        }

        await call.RequestStream.CompleteAsync();
        var responses = new List<V1.ServerReflectionResponse>();
        while (await call.ResponseStream.MoveNext(cancel.Token))
        {
            responses.Add(call.ResponseStream.Current);
        }

        responses.Count.ShouldBe(requests.Length);
        for (var i = 0; i < requests.Length; i++)
        {
            responses[i].OriginalRequest.ShouldBe(requests[i]);
        }

        return responses;
    }

    private static List<FileDescriptorProto> Files(V1.ServerReflectionResponse response)
    {
        response.MessageResponseCase.ShouldBe(V1.ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.ToString());
        return response.FileDescriptorResponse.FileDescriptorProto.Select(FileDescriptorProto.Parser.ParseFrom).ToList();
    }

    /// <summary>Builds descriptors from one response alone, as a client without .proto files does: it must be complete.</summary>
    private static IReadOnlyList<FileDescriptor> Rebuild(V1.ServerReflectionResponse response)
    {
        var pending = Files(response);
        var ordered = new List<FileDescriptorProto>();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(f => f.Dependency.All(d => ordered.Any(o => o.Name == d)));
            ready.ShouldNotBeNull($"the response lacks an import of {string.Join(", ", pending.Select(p => p.Name))}");
            ordered.Add(ready);
            pending.Remove(ready);
        }

        return FileDescriptor.BuildFromByteStrings(ordered.Select(f => f.ToByteString()));
    }

    /// <summary>A health check whose result the test sets, counting its runs.</summary>
    private sealed class SwitchCheck : IHealthCheck
    {
        private int runs;

        public bool Healthy
        {
            set => Result = value ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("switched off");
        }

        public HealthCheckResult Result { get; set; } = HealthCheckResult.Healthy();

        public int Runs => Volatile.Read(ref runs);

        /// <summary>When set, each run waits for it before answering.</summary>
        public Task? Gate { get; set; }

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref runs);
            if (Gate is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
            }

            return Result;
        }
    }

    /// <summary>Counts unary calls once their handler has run up to its first wait (a health check has joined its evaluation by then).</summary>
    private sealed class ArrivalCounter : Interceptor
    {
        private int count;

        public int Count => Volatile.Read(ref count);

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
            TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            var handling = continuation(request, context);
            Interlocked.Increment(ref count);
            return await handling;
        }
    }

    /// <summary>
    /// Kestrel on a loopback HTTP/2 port with health (checks "db" tagged Orders, "cache" tagged Catalog), reflection
    /// and the interop TestService. The periodic publisher is held back; <see cref="PublishAsync"/> publishes now.
    /// </summary>
    private sealed class TestHost : IAsyncDisposable
    {
        private TestHost(WebApplication app, int port, SwitchCheck db, SwitchCheck cache, ArrivalCounter arrivals, IDisposable testService)
        {
            App = app;
            Arrivals = arrivals;
            TestService = testService;
            Channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
            Db = db;
            Cache = cache;
        }

        public WebApplication App { get; }

        public GrpcChannel Channel { get; }

        public SwitchCheck Db { get; }

        public SwitchCheck Cache { get; }

        /// <summary>Unary calls that have reached their handler.</summary>
        public ArrivalCounter Arrivals { get; }

        /// <summary>Disposing it unmaps the interop TestService.</summary>
        public IDisposable TestService { get; }

        public static async Task<TestHost> StartAsync(Action<GrpcHealthChecksOptions>? configure = null)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel =>
                kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
            builder.Services.Configure<HealthCheckPublisherOptions>(options => options.Delay = TimeSpan.FromHours(1));
            var arrivals = new ArrivalCounter();
            builder.Services.AddSingleton(arrivals);
            builder.Services.AddGrpc(grpc => grpc.Interceptors.Add<ArrivalCounter>());
            builder.Services.AddGrpcReflection();
            var db = new SwitchCheck();
            var cache = new SwitchCheck();
            builder.Services.AddGrpcHealthChecks(configure ?? (_ => { }))
                .AddCheck("db", db, tags: [Orders])
                .AddCheck("cache", cache, tags: [Catalog]);
            var app = builder.Build();
            app.MapGrpcHealthChecksService();
            app.MapGrpcReflectionService();
            var testService = app.MapGrpcService<TestServiceImpl>();
            await app.StartAsync();
            return new TestHost(app, port, db, cache, arrivals, testService);
        }

        /// <summary>What the periodic publisher does: one evaluation of every check, published to the health service.</summary>
        public async Task PublishAsync()
        {
            var report = await App.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
            foreach (var publisher in App.Services.GetServices<IHealthCheckPublisher>())
            {
                await publisher.PublishAsync(report, CancellationToken.None);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Channel.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
        }
    }
}
