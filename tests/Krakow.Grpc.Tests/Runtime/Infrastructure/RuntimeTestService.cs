using Google.Protobuf;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Authorization;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>
/// The levers of <c>RuntimeTest</c>. Request metadata <c>x-echo-initial*</c> comes back as response headers (sent
/// with WriteResponseHeadersAsync), <c>x-echo-trailing*</c> as trailers (ResponseTrailers); <c>x-probe-id</c>
/// names the call in <see cref="CallProbes"/>, so a test can see the handler start and its token fire.
/// </summary>
public sealed class RuntimeTestService(CallProbes probes) : RuntimeTest.RuntimeTestBase
{
    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        probes.Track(context);

        // Before anything reads the metadata whole: Get answers from the request's headers.
        var lookedUp = request.LookUp.Select(key => context.RequestHeaders.Get(key) is { } found ? ToMessage(found) : new MetadataEntry { Key = key }).ToList();
        await EchoMetadataAsync(context);
        await BehaveAsync(request, context);
        var reply = Reply(request, context);
        reply.LookedUp.Add(lookedUp);
        return reply;
    }

    public override async Task CountUp(CountRequest request, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        probes.Track(context);
        await EchoMetadataAsync(context);
        for (var i = 1; i <= request.Count; i++)
        {
            await responseStream.WriteAsync(new EchoReply { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            if (request.IntervalMs > 0)
            {
                await Task.Delay(request.IntervalMs, context.CancellationToken);
            }
        }

        if (request.HoldOpen)
        {
            await Task.Delay(Timeout.Infinite, context.CancellationToken);
        }
    }

    public override async Task<EchoReply> Concatenate(IAsyncStreamReader<EchoRequest> requestStream, ServerCallContext context)
    {
        probes.Track(context);
        await EchoMetadataAsync(context);
        var text = new System.Text.StringBuilder();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            await BehaveAsync(requestStream.Current, context);
            text.Append(requestStream.Current.Text);
        }

        return new EchoReply { Text = text.ToString() };
    }

    public override async Task Chat(IAsyncStreamReader<EchoRequest> requestStream, IServerStreamWriter<EchoReply> responseStream, ServerCallContext context)
    {
        probes.Track(context);
        await EchoMetadataAsync(context);
        await foreach (var request in ReadAllAsync(requestStream, context.CancellationToken))
        {
            await BehaveAsync(request, context);
            await responseStream.WriteAsync(Reply(request, context));
        }
    }

    internal static async Task BehaveAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs > 0)
        {
            await Task.Delay(request.DelayMs, context.CancellationToken);
        }

        if (request.ThrowMessage.Length > 0)
        {
            throw new InvalidOperationException(request.ThrowMessage);
        }

        if (request.FailCode != 0)
        {
            var trailers = new Metadata();
            if (request.FailWithDetails)
            {
                trailers.Add("x-error-info", "more about it");
                trailers.Add("grpc-status-details-bin", ErrorDetails(request).ToByteArray());
            }

            throw new RpcException(new Status((StatusCode)request.FailCode, request.FailDetail), trailers);
        }
    }

    internal static ErrorStatus ErrorDetails(EchoRequest request) => new()
    {
        Code = request.FailCode,
        Message = request.FailDetail,
        Details = { Google.Protobuf.WellKnownTypes.Any.Pack(new EchoReply { Text = "detail" }) },
    };

    internal static EchoReply Reply(EchoRequest request, ServerCallContext context)
    {
        var reply = new EchoReply { Text = request.Text, Payload = ByteString.CopyFrom(new byte[request.ReplySize]) };

        foreach (var entry in context.RequestHeaders)
        {
            reply.RequestMetadata.Add(ToMessage(entry));
        }

        return reply;
    }

    private static MetadataEntry ToMessage(Metadata.Entry entry) => entry.IsBinary
        ? new MetadataEntry { Key = entry.Key, ValueBytes = ByteString.CopyFrom(entry.ValueBytes), Found = true }
        : new MetadataEntry { Key = entry.Key, Value = entry.Value, Found = true };

    private static async Task EchoMetadataAsync(ServerCallContext context)
    {
        var initial = new Metadata();
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-echo-initial", StringComparison.Ordinal))
            {
                initial.Add(entry);
            }
            else if (entry.Key.StartsWith("x-echo-trailing", StringComparison.Ordinal))
            {
                context.ResponseTrailers.Add(entry);
            }
        }

        if (initial.Count > 0)
        {
            await context.WriteResponseHeadersAsync(initial);
        }
    }

    private static async IAsyncEnumerable<T> ReadAllAsync<T>(IAsyncStreamReader<T> reader, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken token)
    {
        while (await reader.MoveNext(token))
        {
            yield return reader.Current;
        }
    }
}

/// <summary>The second service: plain echo, and a method that requires an authenticated user.</summary>
public sealed class SecondTestService(CallProbes probes) : SecondTest.SecondTestBase
{
    public override async Task<EchoReply> Echo(EchoRequest request, ServerCallContext context)
    {
        probes.Track(context);
        await RuntimeTestService.BehaveAsync(request, context);
        return RuntimeTestService.Reply(request, context);
    }

    [Authorize]
    public override Task<EchoReply> WhoAmI(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoReply { Text = context.GetHttpContext().User.Identity?.Name ?? "(nobody)" });
}
