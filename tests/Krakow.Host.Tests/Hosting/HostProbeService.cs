using Grpc.Core;
using Krakow.Host.Tests.Probe;

namespace Krakow.Host.Tests.Hosting;

/// <summary>A slow method, to have a call in flight while the host shuts down.</summary>
public sealed class HostProbeService(HostProbeSignals signals) : HostProbe.HostProbeBase
{
    public override async Task<SlowReply> Slow(SlowRequest request, ServerCallContext context)
    {
        signals.SlowCallStarted.TrySetResult();
        await Task.Delay(request.DelayMs, context.CancellationToken);
        return new SlowReply { Completed = true };
    }
}

/// <summary>What the probe tells the test, so the test acts on what the server did rather than on a guessed delay.</summary>
public sealed class HostProbeSignals
{
    public TaskCompletionSource SlowCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
