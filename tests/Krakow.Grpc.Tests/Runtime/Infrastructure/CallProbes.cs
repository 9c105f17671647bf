using System.Collections.Concurrent;
using Grpc.Core;

namespace Krakow.Grpc.Tests.Runtime.Infrastructure;

/// <summary>
/// What handlers report about the calls named by an <c>x-probe-id</c> request header: that they started, and
/// that their CancellationToken fired. Tests await these instead of sleeping.
/// </summary>
public sealed class CallProbes
{
    public const string Header = "x-probe-id";

    private readonly ConcurrentDictionary<string, Probe> probes = new();

    public static string NewId() => Guid.NewGuid().ToString("N");

    public void Track(ServerCallContext context)
    {
        var id = context.RequestHeaders.GetValue(Header);
        if (id is null)
        {
            return;
        }

        var probe = Get(id);
        probe.Started.TrySetResult();
        context.CancellationToken.Register(() => probe.Cancelled.TrySetResult());
    }

    /// <summary>Completes when a handler of the call has started.</summary>
    public Task WhenStarted(string id) => Get(id).Started.Task;

    /// <summary>Completes when the CancellationToken of the call's handler has fired.</summary>
    public Task WhenCancelled(string id) => Get(id).Cancelled.Task;

    public bool HasStarted(string id) => Get(id).Started.Task.IsCompleted;

    private Probe Get(string id) => probes.GetOrAdd(id, _ => new Probe());

    private sealed class Probe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
