using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;
using Grpc.Testing;
using Krakow.Grpc.InteropServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Unary benchmark server (see bench/README.md).
//
//   --mode grpc|ceiling|grpc-static --port N [--response-size 100] [--count-status]
//       grpc:    grpc.testing.TestService on the project's gRPC runtime (AddGrpc + MapGrpcService<TestServiceImpl>).
//       grpc-static: the same runtime with a trivial service whose UnaryCall hands back a cached response (no
//                metadata look-ups, no payload allocation): splits the runtime's own cost from the interop service's.
//       ceiling: one hand-written Kestrel endpoint, POST /grpc.testing.TestService/UnaryCall, that reads the request
//                body and answers the pre-computed bytes the runtime would send: the same HEADERS (content-type,
//                grpc-accept-encoding), the same DATA (the framed SimpleResponse), the same trailer (grpc-status: 0).
//       Both modes: cleartext HTTP/2 only on 127.0.0.1:N, no logging, and GET /bench/stats, which answers
//       "allocated=<GC.GetTotalAllocatedBytes(true)> ok=<calls with grpc-status 0> failed=<other calls>" (the two
//       counters stay 0 unless --count-status adds the middleware that reads each call's status; the timed runs
//       go without it).
//   --alloc-profile (diagnostics, not for timed runs): GET /bench/alloc-profile reports sampled allocations by type.
//   --write-request FILE [--request-size 100] [--response-size 100]
//       writes the framed SimpleRequest that h2load sends (-d FILE).
//   --write-response FILE [--response-size 100]
//       writes the framed SimpleResponse both modes must answer (checked by bench/check_unary.py).
var options = BenchOptions.Parse(args);

if (options.WriteRequest is { } requestFile)
{
    var request = new SimpleRequest
    {
        ResponseSize = options.ResponseSize,
        Payload = new Payload { Body = ByteString.CopyFrom(new byte[options.RequestSize]) },
    };
    File.WriteAllBytes(requestFile, Frame(request));
    return 0;
}

if (options.WriteResponse is { } responseFile)
{
    File.WriteAllBytes(responseFile, Frame(ExpectedResponse(options.ResponseSize)));
    return 0;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(System.Net.IPAddress.Loopback, options.Port, listen => listen.Protocols = HttpProtocols.Http2);
});

if (options.Mode is "grpc" or "grpc-static")
{
    builder.Services.AddGrpc();
}
else
{
    builder.Services.AddRouting();
}

var app = builder.Build();
using var sampler = options.AllocProfile ? new AllocationSampler() : null;
if (sampler is not null)
{
    // Diagnostics only: GET /bench/alloc-profile?reset=1 starts a window, GET /bench/alloc-profile reports it.
    app.MapGet("/bench/alloc-profile", (HttpContext context) =>
    {
        if (context.Request.Query.ContainsKey("reset"))
        {
            sampler.Reset();
            return "reset\n";
        }

        return sampler.Report();
    });
}

var counters = new StatusCounters();
if (options.CountStatus)
{
    // Validation runs only: reads the status each call ended with (trailer, or header in a Trailers-Only answer).
    app.Use(async (context, next) =>
    {
        await next(context);
        if (context.Request.Path.StartsWithSegments("/bench", StringComparison.Ordinal))
        {
            return;
        }

        var trailers = context.Features.Get<IHttpResponseTrailersFeature>()?.Trailers;
        var status = trailers?["grpc-status"].ToString() is { Length: > 0 } trailer ? trailer : context.Response.Headers["grpc-status"].ToString();
        if (status == "0" && context.Response.StatusCode == StatusCodes.Status200OK)
        {
            Interlocked.Increment(ref counters.Ok);
        }
        else
        {
            Interlocked.Increment(ref counters.Failed);
        }
    });
}

app.MapGet("/bench/stats", () => string.Create(
    CultureInfo.InvariantCulture,
    $"allocated={GC.GetTotalAllocatedBytes(precise: true)} ok={Volatile.Read(ref counters.Ok)} failed={Volatile.Read(ref counters.Failed)} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)}\n"));

if (options.Mode == "grpc")
{
    app.MapGrpcService<TestServiceImpl>();
}
else if (options.Mode == "grpc-static")
{
    StaticUnaryService.Response = Task.FromResult(ExpectedResponse(options.ResponseSize));
    app.MapGrpcService<StaticUnaryService>();
}
else
{
    var responseFrame = Frame(ExpectedResponse(options.ResponseSize));
    app.MapPost("/grpc.testing.TestService/UnaryCall", async context =>
    {
        var body = context.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(context.RequestAborted);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        var response = context.Response;
        response.ContentType = "application/grpc";
        response.Headers["grpc-accept-encoding"] = "identity,gzip,deflate";
        response.AppendTrailer("grpc-status", "0");
        await response.BodyWriter.WriteAsync(responseFrame, context.RequestAborted);
    });
}

await app.RunAsync();
return 0;

static SimpleResponse ExpectedResponse(int size) => new() { Payload = new Payload { Body = ByteString.CopyFrom(new byte[size]) } };

static byte[] Frame(IMessage message)
{
    var payload = message.ToByteArray();
    var frame = new byte[5 + payload.Length];
    BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
    payload.CopyTo(frame, 5);
    return frame;
}

internal sealed class StatusCounters
{
#pragma warning disable SA1401, CA1051 // Fields, so Interlocked can update them.
    public long Ok;
    public long Failed;
#pragma warning restore SA1401, CA1051
}

internal sealed record BenchOptions(string Mode, int Port, int RequestSize, int ResponseSize, bool CountStatus, bool AllocProfile, string? WriteRequest, string? WriteResponse)
{
    public static BenchOptions Parse(string[] args)
    {
        string? Value(string name)
        {
            var index = Array.IndexOf(args, name);
            return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
        }

        int IntValue(string name, int fallback) => Value(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

        var mode = Value("--mode") ?? "grpc";
        if (mode is not ("grpc" or "ceiling" or "grpc-static"))
        {
            throw new ArgumentException($"--mode must be grpc, ceiling or grpc-static, not '{mode}'.");
        }

        var writeRequest = Value("--write-request");
        var writeResponse = Value("--write-response");
        var port = IntValue("--port", 0);
        if (port == 0 && writeRequest is null && writeResponse is null)
        {
            throw new ArgumentException("Usage: --mode grpc|ceiling|grpc-static --port N [--response-size 100] [--count-status] | --write-request FILE | --write-response FILE");
        }

        return new BenchOptions(mode, port, IntValue("--request-size", 100), IntValue("--response-size", 100), args.Contains("--count-status"), args.Contains("--alloc-profile"), writeRequest, writeResponse);
    }
}

/// <summary>Diagnostics: the runtime with a service that does nothing but hand back a cached response.</summary>
internal sealed class StaticUnaryService : TestService.TestServiceBase
{
    public static Task<SimpleResponse> Response { get; set; } = null!;

    public override Task<SimpleResponse> UnaryCall(SimpleRequest request, Grpc.Core.ServerCallContext context) => Response;
}
