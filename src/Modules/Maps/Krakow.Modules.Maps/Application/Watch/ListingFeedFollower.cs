using Krakow.Modules.Maps.Application.ListingFeed;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Application.Watch;

/// <summary>
/// Follows the listing feed (<c>ListingChange</c>) for the campaign watches of this instance and keeps one number,
/// the <see cref="Watermark"/>: every change with a sequence at or below it is committed (or given up as rolled
/// back), so a watch that reads the feed up to the watermark never steps over a change that commits later. It
/// wakes the watches of each campaign whose changes the watermark passes. Watches read the feed themselves, from
/// where each of them is: this class holds no listing and no per-watch state, so a slow watch costs only itself.
/// </summary>
/// <remarks>
/// Sequences commit in order on SQLite (one writer at a time). On PostgreSQL a transaction that drew sequence 10
/// may commit after the one that drew 11, and a rolled-back one leaves 10 missing for good: the watermark then
/// waits at 9 until 10 appears or <see cref="WatchOptions.GapTimeout"/> passes. It starts at the feed's top: the
/// watches that start after that read what came before from the database.
/// </remarks>
internal sealed partial class ListingFeedFollower(IServiceScopeFactory scopes, WatchOptions options, ILogger<ListingFeedFollower> logger) : ListingFeedPoller
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, TaskCompletionSource> signals = new(StringComparer.Ordinal);
    private long watermark;
    private bool started;

    // Gap state: touched only by the loop.
    private long gapAt = -1;
    private long gapSeenAt;

    /// <summary>Every change at or below this sequence is committed or given up.</summary>
    public long Watermark => Volatile.Read(ref watermark);

    /// <summary>Completes the next time the watermark passes a change of <paramref name="campaignId"/>. Take it before reading the watermark.</summary>
    public Task NextChangeOf(string campaignId)
    {
        lock (gate)
        {
            if (!signals.TryGetValue(campaignId, out var signal))
            {
                signals[campaignId] = signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            return signal.Task;
        }
    }

    protected override TimeSpan PollInterval => options.PollInterval;

    /// <summary>The first step reads the feed's top; every later one moves the watermark on.</summary>
    protected override async Task StepAsync(CancellationToken cancellationToken)
    {
        if (started)
        {
            await PollAsync(cancellationToken);
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
        Volatile.Write(ref watermark, await db.ListingChanges.MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0);
        started = true;
    }

    protected override void OnStepFailed(Exception exception, int failures) => LogPollFailed(exception, failures);

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
            var after = Watermark;
            var changes = await db.ListingChanges.AsNoTracking()
                .Where(c => c.Sequence > after)
                .OrderBy(c => c.Sequence)
                .Select(c => new { c.Sequence, c.CampaignId })
                .Take(options.FeedBatchSize)
                .ToListAsync(cancellationToken);

            var reached = after;
            var touched = new HashSet<string>(StringComparer.Ordinal);
            foreach (var change in changes)
            {
                if (change.Sequence != reached + 1 && !GapGivenUp(reached + 1, change.Sequence - 1))
                {
                    break;
                }

                reached = change.Sequence;
                touched.Add(change.CampaignId);
            }

            if (reached == after)
            {
                return;
            }

            Volatile.Write(ref watermark, reached);
            Wake(touched);
            if (changes.Count < options.FeedBatchSize)
            {
                return;
            }
        }
    }

    /// <summary>Whether the missing sequences <paramref name="from"/>..<paramref name="to"/> have been missing long enough to be taken as rolled back.</summary>
    private bool GapGivenUp(long from, long to)
    {
        var now = Environment.TickCount64;
        if (gapAt != from)
        {
            gapAt = from;
            gapSeenAt = now;
        }

        if (now - gapSeenAt < (long)options.GapTimeout.TotalMilliseconds)
        {
            return false;
        }

        LogGapGivenUp(from, to);
        gapAt = -1;
        return true;
    }

    private void Wake(HashSet<string> campaignIds)
    {
        var woken = new List<TaskCompletionSource>();
        lock (gate)
        {
            foreach (var campaignId in campaignIds)
            {
                if (signals.Remove(campaignId, out var signal))
                {
                    woken.Add(signal);
                }
            }
        }

        foreach (var signal in woken)
        {
            signal.TrySetResult();
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Listing feed sequences {From} to {To} stayed missing; taken as rolled back, watches move past them")]
    private partial void LogGapGivenUp(long from, long to);

    [LoggerMessage(2, LogLevel.Warning, "Following the listing feed for campaign watches failed ({Failures} in a row); watches wait")]
    private partial void LogPollFailed(Exception exception, int failures);
}
