using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.Host.Tests.Probe;
using Microsoft.AspNetCore.RateLimiting;

namespace Krakow.Host.Tests.Hosting;

/// <summary>Methods the tests map into the real host: a slow one (a call in flight at shutdown), a rate-limited one.</summary>
public sealed class HostProbeService(HostProbeSignals signals) : HostProbe.HostProbeBase
{
    public override async Task<SlowReply> Slow(SlowRequest request, ServerCallContext context)
    {
        signals.SlowCallStarted.TrySetResult();
        await Task.Delay(request.DelayMs, context.CancellationToken);
        return new SlowReply { Completed = true };
    }

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override Task<WriteReply> Write(WriteRequest request, ServerCallContext context) => Task.FromResult(new WriteReply());
}

/// <summary>What the probe tells the test, so the test acts on what the server did rather than on a guessed delay.</summary>
public sealed class HostProbeSignals
{
    public TaskCompletionSource SlowCallStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
