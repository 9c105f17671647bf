using Grpc.Core;
using Krakow.Host.Tests.Probe;

namespace Krakow.Host.Tests.Hosting;

/// <summary>A slow method, to have a call in flight while the host shuts down.</summary>
public sealed class HostProbeService : HostProbe.HostProbeBase
{
    public override async Task<SlowReply> Slow(SlowRequest request, ServerCallContext context)
    {
        await Task.Delay(request.DelayMs, context.CancellationToken);
        return new SlowReply { Completed = true };
    }
}
