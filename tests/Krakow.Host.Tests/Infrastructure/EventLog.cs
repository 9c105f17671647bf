using System.Collections.Concurrent;
using Krakow.BuildingBlocks.Contracts.Events;

namespace Krakow.Host.Tests.Infrastructure;

/// <summary>What a test's integration event handler received, with a bounded wait for the next one.</summary>
public sealed class EventLog
{
    private readonly ConcurrentQueue<IntegrationEvent> received = new();
    private readonly SemaphoreSlim arrived = new(0);

    public IReadOnlyCollection<IntegrationEvent> Received => received;

    public void Add(IntegrationEvent integrationEvent)
    {
        received.Enqueue(integrationEvent);
        arrived.Release();
    }

    public async Task<TEvent> WaitForAsync<TEvent>(Func<TEvent, bool> match, TimeSpan timeout)
        where TEvent : IntegrationEvent
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            var found = received.OfType<TEvent>().FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await arrived.WaitAsync(deadline.Token);
        }
    }
}

/// <summary>Records every event of one type into the <see cref="EventLog"/>.</summary>
public sealed class RecordingHandler<TEvent>(EventLog log) : IIntegrationEventHandler<TEvent>
    where TEvent : IntegrationEvent
{
    public Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken)
    {
        log.Add(integrationEvent);
        return Task.CompletedTask;
    }
}
