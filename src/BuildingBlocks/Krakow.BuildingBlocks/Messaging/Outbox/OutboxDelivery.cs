namespace Krakow.BuildingBlocks.Messaging.Outbox;

/// <summary>
/// One handler has had one outbox event: table <c>&lt;schema&gt;.outbox_deliveries</c> / <c>&lt;prefix&gt;_outbox_deliveries</c>.
/// A handler with a row here is not run again for that event, whatever the other handlers do.
/// </summary>
internal sealed class OutboxDelivery
{
    public OutboxDelivery(Guid messageId, string handler, DateTime deliveredAt)
    {
        MessageId = messageId;
        Handler = handler;
        DeliveredAt = deliveredAt;
    }

    public Guid MessageId { get; private set; }

    /// <summary>The handler's name (the full name of its CLR type).</summary>
    public string Handler { get; private set; }

    public DateTime DeliveredAt { get; private set; }
}
