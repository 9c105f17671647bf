using System.Collections.Concurrent;
using Krakow.BuildingBlocks.Contracts.Events;
using Krakow.BuildingBlocks.Tests.Persistence.TestModule;

namespace Krakow.BuildingBlocks.Tests.Messaging;

/// <summary>What the test handlers saw, shared by every host of a test (like the outside world they act on).</summary>
public sealed class OutboxProbe
{
    private int _failuresLeft;

    public ConcurrentQueue<HandlerCall> Calls { get; } = new();

    /// <summary>How many of the flaky handler's next calls fail; negative: all of them.</summary>
    public int FlakyFailures
    {
        get => Volatile.Read(ref _failuresLeft);
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public IReadOnlyList<HandlerCall> CallsOf(string handler, bool succeeded = true) =>
        Calls.Where(c => c.Handler == handler && c.Succeeded == succeeded).ToList();

    internal bool NextFlakyCallFails()
    {
        while (true)
        {
            var left = Volatile.Read(ref _failuresLeft);
            if (left == 0)
            {
                return false;
            }

            if (left < 0 || Interlocked.CompareExchange(ref _failuresLeft, left - 1, left) == left)
            {
                return true;
            }
        }
    }
}

public sealed record HandlerCall(string Handler, Guid EventId, DateTimeOffset OccurredAt, bool Succeeded, Guid Scope);

/// <summary>A scoped service: a different instance in each delivery's scope.</summary>
public sealed class ScopeMarker
{
    public Guid Id { get; } = Guid.NewGuid();
}

/// <summary>Always succeeds.</summary>
public sealed class RecordingHandler(OutboxProbe probe, ScopeMarker scope) : IIntegrationEventHandler<ItemCreated>
{
    public Task HandleAsync(ItemCreated integrationEvent, CancellationToken cancellationToken)
    {
        probe.Calls.Enqueue(new HandlerCall(nameof(RecordingHandler), integrationEvent.EventId, integrationEvent.OccurredAt, true, scope.Id));
        return Task.CompletedTask;
    }
}

/// <summary>Fails while <see cref="OutboxProbe.FlakyFailures"/> says so.</summary>
public sealed class FlakyHandler(OutboxProbe probe, ScopeMarker scope) : IIntegrationEventHandler<ItemCreated>
{
    public Task HandleAsync(ItemCreated integrationEvent, CancellationToken cancellationToken)
    {
        var fails = probe.NextFlakyCallFails();
        probe.Calls.Enqueue(new HandlerCall(nameof(FlakyHandler), integrationEvent.EventId, integrationEvent.OccurredAt, !fails, scope.Id));
        return fails ? throw new InvalidOperationException("the flaky handler's downstream service is down") : Task.CompletedTask;
    }
}
