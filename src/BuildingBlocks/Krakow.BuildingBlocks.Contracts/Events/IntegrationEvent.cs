namespace Krakow.BuildingBlocks.Contracts.Events;

/// <summary>
/// Something that happened in one module that others may react to. Published through the publishing module's
/// outbox, in the same transaction as the change it describes, so it is never lost.
/// </summary>
public abstract record IntegrationEvent
{
    /// <summary>Unique per event; handlers use it to stay idempotent under at-least-once delivery.</summary>
    public Guid EventId { get; init; } = Guid.NewGuid();

    public DateTimeOffset OccurredAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>Reacts to an integration event; may be called more than once for the same event.</summary>
public interface IIntegrationEventHandler<in TEvent>
    where TEvent : IntegrationEvent
{
    Task HandleAsync(TEvent integrationEvent, CancellationToken cancellationToken);
}
