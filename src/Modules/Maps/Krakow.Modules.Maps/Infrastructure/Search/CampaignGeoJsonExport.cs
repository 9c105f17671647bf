using System.Buffers.Binary;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Campaigns;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Search;

/// <summary>
/// Export and watch (domain.md §1): a campaign's live listings as one GeoJSON FeatureCollection, for the gRPC
/// stream and the HTTP download alike, cached through <see cref="IDistributedCache"/> chunk by chunk.
/// </summary>
/// <remarks>
/// <para>The cache key names the campaign, the season on its live map and the index's feed position for that
/// campaign (the sequence of the last change on it): any change to the campaign's listings moves the position, so
/// a new key is used and an export never comes from before a change the index has applied. The cache is used only
/// when the index's position is complete (no earlier sequence still outstanding), so two instances that use a key
/// have applied the same changes. A campaign that is not open has no live listings: its (empty) export is not
/// cached.</para>
/// <para>Entries: <c>&lt;key&gt;:n</c> holds the number of chunks and is written last; <c>&lt;key&gt;:&lt;i&gt;</c>
/// holds chunk i. A reader that finds a chunk evicted regenerates from its own snapshot, skipping the chunks it
/// already sent (the chunking is deterministic), and writes the chunks back.</para>
/// </remarks>
internal sealed partial class CampaignGeoJsonExport(
    IListingIndex index, ICampaignCatalog catalog, TimeProvider clock, IDistributedCache cache, ILogger<CampaignGeoJsonExport> logger)
{
    public const string MediaType = "application/geo+json";

    private static readonly DistributedCacheEntryOptions EntryOptions = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    /// <summary>The export of a campaign as it stands, or null when the catalogue has no such campaign.</summary>
    public async Task<ExportPlan?> PrepareAsync(string campaignId, CancellationToken cancellationToken)
    {
        var campaign = catalog.Find(campaignId);
        if (campaign is null)
        {
            return null;
        }

        var snapshot = await index.GetSnapshotAsync(cancellationToken);
        int? season = campaign.StatusAt(clock.GetUtcNow()) == CampaignStatus.Open ? campaign.Season : null;
        var key = season is { } live && snapshot.Position.Complete
            ? CacheKey(campaign.Id, live, snapshot.Position.SequenceOf(campaign.Id))
            : null;
        return new ExportPlan(campaign.Id, season, snapshot, key);
    }

    /// <summary>The cache key of a campaign's export at a feed position (tests reach it to look at the cache).</summary>
    public static string CacheKey(string campaignId, int season, long campaignSequence) =>
        $"maps:listings-geojson:v1:{campaignId}:season-{season}:seq-{campaignSequence}";

    /// <summary>Hands the document to <paramref name="sink"/> chunk by chunk, from the cache when it can.</summary>
    public async Task WriteAsync(ExportPlan plan, Func<byte[], CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        var sent = 0;
        if (plan.CacheKey is { } key && await TryGetAsync(key + ":n", cancellationToken) is { Length: 4 } manifest)
        {
            var count = BinaryPrimitives.ReadInt32LittleEndian(manifest);
            while (sent < count && await TryGetAsync($"{key}:{sent}", cancellationToken) is { } chunk)
            {
                await sink(chunk, cancellationToken);
                sent++;
            }

            if (sent == count)
            {
                return;
            }

            LogChunkEvicted(logger, key, sent);
        }

        IEnumerable<IndexedListing> listings = plan.Season is { } season ? plan.Snapshot.ListingsOf(plan.CampaignId, season) : [];
        var written = 0;
        foreach (var chunk in GeoJsonChunks.Write(listings, ListingsImagePaths.OfferImageUrl))
        {
            if (written >= sent)
            {
                await sink(chunk, cancellationToken);
            }

            if (plan.CacheKey is { } chunkKey)
            {
                await TrySetAsync($"{chunkKey}:{written}", chunk, cancellationToken);
            }

            written++;
        }

        if (plan.CacheKey is { } manifestKey)
        {
            var count = new byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(count, written);
            await TrySetAsync(manifestKey + ":n", count, cancellationToken);
        }
    }

    // The cache is an accelerator: when it fails, the export is computed.
    private async Task<byte[]?> TryGetAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.GetAsync(key, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheFailed(logger, ex, key);
            return null;
        }
    }

    private async Task TrySetAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        try
        {
            await cache.SetAsync(key, value, EntryOptions, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogCacheFailed(logger, ex, key);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "GeoJSON export {Key}: chunk {Chunk} was evicted from the cache; regenerating the rest")]
    private static partial void LogChunkEvicted(ILogger logger, string key, int chunk);

    [LoggerMessage(Level = LogLevel.Warning, Message = "GeoJSON export cache unavailable for {Key}; serving without it")]
    private static partial void LogCacheFailed(ILogger logger, Exception exception, string key);
}

/// <summary>
/// One export: the campaign, the season on its live map (null when the campaign is not open: no features), the
/// snapshot it is read from, and its cache key (null: not cached).
/// </summary>
internal sealed record ExportPlan(string CampaignId, int? Season, ListingIndexSnapshot Snapshot, string? CacheKey);
