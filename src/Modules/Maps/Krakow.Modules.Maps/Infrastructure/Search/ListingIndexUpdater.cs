using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Krakow.Modules.Maps.Application.ListingFeed;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Listings;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Search;

/// <summary>
/// Builds this instance's listing index from the Listings table while the host starts, then follows the feed of listing
/// changes: it polls for changes after the last one applied (every <see cref="SearchIndexOptions.PollInterval"/>, and
/// at once when nudged), re-reads the listings they name, and swaps in a new immutable snapshot.
/// </summary>
/// <remarks>
/// <para>Applying a change re-reads the listing's current row, so it is idempotent and instances converge whatever
/// order they see changes in.</para>
/// <para>Sequences may commit out of order on PostgreSQL (a transaction that drew sequence 10 can commit after the
/// one that drew 11). A poll that sees 11 before 10 records 10 as missing and asks for it again in every poll
/// until it appears or <see cref="SearchIndexOptions.GapTimeout"/> passes (a rolled-back transaction leaves a
/// permanent gap). While a sequence is missing the snapshot's position is not <see cref="FeedPosition.Complete"/>.</para>
/// </remarks>
internal sealed partial class ListingIndexUpdater(IServiceScopeFactory scopes, SearchIndexOptions options, ILogger<ListingIndexUpdater> logger)
    : ListingFeedPoller, IListingIndex
{
    public const string MeterName = "Krakow.Modules.Maps.Search";

    private const int RebuildBatchSize = 2048;

    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> RebuildLoadDuration =
        Meter.CreateHistogram<double>("krakow.maps.search.index.rebuild.load_duration", "ms", "Reading every listing row for a full rebuild of the index (entries are built alongside)");
    private static readonly Histogram<double> RebuildBuildDuration =
        Meter.CreateHistogram<double>("krakow.maps.search.index.rebuild.build_duration", "ms", "Finishing the index snapshot once every row is read: id order and grid (a full rebuild)");
    private static readonly Histogram<double> ApplyDuration =
        Meter.CreateHistogram<double>("krakow.maps.search.index.apply_duration", "ms", "Applying one batch of feed changes to the index");

    private readonly TaskCompletionSource<ListingIndexSnapshot> firstBuild = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SlotTable campaigns = new();
    private readonly SlotTable categories = new();

    // Feed state: touched only by the loop.
    private readonly SortedDictionary<long, long> missing = []; // sequence → give up at (Environment.TickCount64)
    private readonly Dictionary<string, long> campaignSequences = new(StringComparer.Ordinal);
    private long highWater;
    private long generation;

    private volatile ListingIndexSnapshot? current;

    public ListingIndexSnapshot? Current => current;

    public ValueTask<ListingIndexSnapshot> GetSnapshotAsync(CancellationToken cancellationToken) =>
        current is { } snapshot
            ? ValueTask.FromResult(snapshot)
            : new ValueTask<ListingIndexSnapshot>(firstBuild.Task.WaitAsync(options.FirstBuildWait, cancellationToken));

    /// <summary>
    /// Builds the index before the host finishes starting, so an instance is ready (readiness check, searches) as
    /// soon as it listens. A failure here does not stop the host: the loop retries, and searches wait meanwhile.
    /// </summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RebuildAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPollFailed(logger, ex, "build", 1);
        }

        await base.StartAsync(cancellationToken);
    }

    protected override TimeSpan PollInterval => options.PollInterval;

    /// <summary>Builds the index until a build succeeds, then applies the feed's changes to it.</summary>
    protected override Task StepAsync(CancellationToken cancellationToken) =>
        current is null ? RebuildAsync(cancellationToken) : PollAsync(cancellationToken);

    // Searches keep the last snapshot meanwhile.
    protected override void OnStepFailed(Exception exception, int failures) =>
        LogPollFailed(logger, exception, current is null ? "build" : "update", failures);

    /// <summary>Reads every listing row and builds a snapshot; the feed position is read first, so nothing is skipped.</summary>
    private async Task RebuildAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();

        var top = await db.ListingChanges.MaxAsync(c => (long?)c.Sequence, cancellationToken) ?? 0;
        var windowStart = Math.Max(0, top - options.GapWindow);
        var recent = await db.ListingChanges.AsNoTracking()
            .Where(c => c.Sequence > windowStart)
            .Select(c => c.Sequence)
            .ToListAsync(cancellationToken);
        var perCampaign = await db.ListingChanges.AsNoTracking()
            .GroupBy(c => c.CampaignId)
            .Select(g => new { CampaignId = g.Key, Sequence = g.Max(c => c.Sequence) })
            .ToListAsync(cancellationToken);
        // Rows are indexed while they are read: a second thread folds texts and computes positions batch by batch.
        var builder = new ListingIndexSnapshot.Builder(campaigns, categories);
        var batches = Channel.CreateBounded<List<Listing>>(new BoundedChannelOptions(16) { SingleReader = true, SingleWriter = true });
        var indexing = Task.Run(
            async () =>
            {
                try
                {
                    await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
                    {
                        builder.AddRange(batch);
                    }
                }
                catch (Exception ex)
                {
                    batches.Writer.TryComplete(ex); // the reader's next write fails instead of waiting forever
                    throw;
                }
            },
            cancellationToken);
        try
        {
            var batch = new List<Listing>(RebuildBatchSize);
            await foreach (var row in db.Listings.AsNoTracking().AsAsyncEnumerable().WithCancellation(cancellationToken))
            {
                batch.Add(row);
                if (batch.Count == RebuildBatchSize)
                {
                    await batches.Writer.WriteAsync(batch, cancellationToken);
                    batch = new List<Listing>(RebuildBatchSize);
                }
            }

            await batches.Writer.WriteAsync(batch, cancellationToken);
        }
        finally
        {
            batches.Writer.TryComplete();
        }

        await indexing;
        var loaded = Stopwatch.GetTimestamp();

        // Sequences below the top that are not there yet may belong to transactions still in flight.
        missing.Clear();
        var present = recent.ToHashSet();
        var giveUpAt = Environment.TickCount64 + (long)options.GapTimeout.TotalMilliseconds;
        for (var sequence = windowStart + 1; sequence <= top; sequence++)
        {
            if (!present.Contains(sequence))
            {
                missing[sequence] = giveUpAt;
            }
        }

        highWater = top;
        campaignSequences.Clear();
        foreach (var entry in perCampaign)
        {
            campaignSequences[entry.CampaignId] = entry.Sequence;
        }

        var snapshot = builder.Finish(Position(), ++generation);
        var built = Stopwatch.GetTimestamp();
        Publish(snapshot);

        var loadMs = Stopwatch.GetElapsedTime(started, loaded).TotalMilliseconds;
        var buildMs = Stopwatch.GetElapsedTime(loaded, built).TotalMilliseconds;
        RebuildLoadDuration.Record(loadMs);
        RebuildBuildDuration.Record(buildMs, new KeyValuePair<string, object?>("listings", snapshot.Count));
        LogRebuilt(logger, snapshot.Count, snapshot.CellCount, top, loadMs, buildMs);
    }

    /// <summary>Applies the changes after the high-water mark (and any missing ones), batch by batch.</summary>
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var started = Stopwatch.GetTimestamp();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();

            var after = highWater;
            var wanted = missing.Keys.ToList();
            var changes = await db.ListingChanges.AsNoTracking()
                .Where(c => c.Sequence > after || wanted.Contains(c.Sequence))
                .OrderBy(c => c.Sequence)
                .Take(options.BatchSize)
                .ToListAsync(cancellationToken);

            var expired = ExpireGaps();
            if (changes.Count == 0)
            {
                if (expired && current is { } unchanged)
                {
                    Publish(unchanged.Apply([], new Dictionary<string, Listing>(), Position(), ++generation));
                }

                return;
            }

            if (changes.Count >= options.BatchSize
                && await db.ListingChanges.MaxAsync(c => c.Sequence, cancellationToken) - after >= options.RebuildThreshold)
            {
                // Far behind (a bulk import, a long pause): a full rebuild is cheaper than replaying.
                await RebuildAsync(cancellationToken);
                return;
            }

            var ids = changes.Select(c => c.ListingId).Distinct(StringComparer.Ordinal).ToList();
            var rows = await db.Listings.AsNoTracking()
                .Where(l => ids.Contains(l.Id))
                .ToDictionaryAsync(l => l.Id, StringComparer.Ordinal, cancellationToken);

            var giveUpAt = Environment.TickCount64 + (long)options.GapTimeout.TotalMilliseconds;
            foreach (var change in changes)
            {
                if (change.Sequence > highWater)
                {
                    // Everything between the old high-water mark and this change is missing (bounded: a huge gap
                    // means sequences were skipped for good, e.g. a PostgreSQL sequence cache).
                    for (var gap = Math.Max(highWater + 1, change.Sequence - options.GapWindow); gap < change.Sequence; gap++)
                    {
                        missing.TryAdd(gap, giveUpAt);
                    }

                    highWater = change.Sequence;
                }

                missing.Remove(change.Sequence);
                campaignSequences[change.CampaignId] = Math.Max(campaignSequences.GetValueOrDefault(change.CampaignId), change.Sequence);
            }

            var snapshot = current!.Apply(ids, rows, Position(), ++generation);
            Publish(snapshot);
            ApplyDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            LogApplied(logger, changes.Count, ids.Count, highWater, missing.Count);

            if (changes.Count < options.BatchSize)
            {
                return;
            }
        }
    }

    private bool ExpireGaps()
    {
        var now = Environment.TickCount64;
        var expired = missing.Where(m => m.Value <= now).Select(m => m.Key).ToList();
        foreach (var sequence in expired)
        {
            missing.Remove(sequence);
        }

        return expired.Count > 0;
    }

    private FeedPosition Position() =>
        new(highWater, missing.Count == 0, new Dictionary<string, long>(campaignSequences, StringComparer.Ordinal));

    private void Publish(ListingIndexSnapshot snapshot)
    {
        current = snapshot;
        firstBuild.TrySetResult(snapshot);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Listing index rebuilt: {Listings} listings in {Cells} grid cells at feed sequence {Sequence}; read and indexed in {LoadMs:F0} ms, finished in {BuildMs:F0} ms")]
    private static partial void LogRebuilt(ILogger logger, int listings, int cells, long sequence, double loadMs, double buildMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listing index applied {Changes} changes ({Listings} listings); feed sequence {Sequence}, {Missing} missing")]
    private static partial void LogApplied(ILogger logger, int changes, int listings, long sequence, int missing);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Listing index {Operation} failed ({Failures} in a row); searches keep the last snapshot")]
    private static partial void LogPollFailed(ILogger logger, Exception exception, string operation, int failures);
}

/// <summary>Tuning of the listing index; the defaults suit production and tests alike.</summary>
internal sealed class SearchIndexOptions
{
    /// <summary>How often the feed is polled when nothing nudges it.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Feed changes read per query.</summary>
    public int BatchSize { get; init; } = 5000;

    /// <summary>When a batch is full and at least this many sequences are waiting, a full rebuild replaces the replay.</summary>
    public int RebuildThreshold { get; init; } = 20_000;

    /// <summary>How far below the high-water mark missing sequences are waited for.</summary>
    public int GapWindow { get; init; } = 1000;

    /// <summary>How long a search waits for the first build before it fails (with a <see cref="TimeoutException"/>).</summary>
    public TimeSpan FirstBuildWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a missing sequence is waited for before it is taken as rolled back.</summary>
    public TimeSpan GapTimeout { get; init; } = TimeSpan.FromSeconds(15);
}
