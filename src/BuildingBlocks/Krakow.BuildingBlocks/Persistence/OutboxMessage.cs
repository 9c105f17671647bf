using System.Text.Json;
using Krakow.BuildingBlocks.Contracts.Events;
using Krakow.BuildingBlocks.Messaging;

namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// An integration event waiting in (or delivered from) a module's outbox: table <c>&lt;schema&gt;.outbox_messages</c>
/// in PostgreSQL, <c>&lt;prefix&gt;_outbox_messages</c> in SQLite. Written by <see cref="ModuleDbContext.Publish"/> in
/// the same transaction as the change it describes; read by the module's outbox dispatcher.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage(Guid id, string type, string payload, DateTime occurredAt)
    {
        Id = id;
        Type = type;
        Payload = payload;
        OccurredAt = occurredAt;
    }

    /// <summary>The event's <see cref="IntegrationEvent.EventId"/>.</summary>
    public Guid Id { get; private set; }

    /// <summary>The event's type name (the full name of its CLR type); resolved only against registered types.</summary>
    public string Type { get; private set; }

    /// <summary>The event as JSON (System.Text.Json).</summary>
    public string Payload { get; private set; }

    /// <summary>The event's <see cref="IntegrationEvent.OccurredAt"/>, in UTC; events are delivered in this order.</summary>
    public DateTime OccurredAt { get; private set; }

    /// <summary>When every registered handler had the event; null while any is still due.</summary>
    public DateTime? ProcessedAt { get; internal set; }

    /// <summary>Delivery rounds in which some handler failed.</summary>
    public int Attempts { get; internal set; }

    /// <summary>Not before this time is the event tried again (a retry's backoff, or a dispatcher's claim on it).</summary>
    public DateTime? NextAttemptAt { get; internal set; }

    /// <summary>The last failure: the handler and its exception.</summary>
    public string? LastError { get; internal set; }

    /// <summary>Set while one dispatcher delivers the event, so two host instances do not take the same batch.</summary>
    public Guid? ClaimToken { get; internal set; }

    internal static OutboxMessage From(IntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        var type = integrationEvent.GetType();
        var payload = JsonSerializer.Serialize(integrationEvent, type, IntegrationEventTypes.SerializerOptions);
        return new OutboxMessage(integrationEvent.EventId, IntegrationEventTypes.NameOf(type), payload, integrationEvent.OccurredAt.UtcDateTime);
    }
}
