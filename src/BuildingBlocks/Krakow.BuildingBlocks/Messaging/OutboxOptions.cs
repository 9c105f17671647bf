namespace Krakow.BuildingBlocks.Messaging;

/// <summary>How the modules' outbox dispatchers poll, retry and clean up (<c>services.Configure&lt;OutboxOptions&gt;</c>).</summary>
public sealed class OutboxOptions
{
    /// <summary>
    /// How often an idle dispatcher looks for due events. Events saved by this host are announced at once; the poll
    /// finds those written by other host instances and retries coming due. Default 2 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Events taken per round. Default 50.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>The wait after a first failure; it doubles with each further failure. Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts. Default 5 min.</summary>
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a dispatcher owns the events it took. A host that dies while delivering leaves them to others, or to
    /// itself after a restart, once this has passed (a host that stops cleanly hands them back at once). Default 2 min.
    /// </summary>
    public TimeSpan ClaimTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Processed events older than this are deleted (hourly); null keeps them. Default 7 days.</summary>
    public TimeSpan? ProcessedRetention { get; set; } = TimeSpan.FromDays(7);
}
