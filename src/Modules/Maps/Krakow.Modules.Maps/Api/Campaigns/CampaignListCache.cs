using Google.Protobuf;
using Krakow.Modules.Maps.Application.Campaigns;
using Microsoft.Extensions.Caching.Distributed;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Campaigns;

/// <summary>
/// The catalogue rendered for the API, kept in the distributed cache under the catalogue's
/// <see cref="ICampaignCatalog.Version"/>: a plugin change moves the version, so the next read misses and renders
/// afresh; a stale rendering is never served. The version counts changes in this process, so the key also names
/// the process: instances sharing a Redis cache never read each other's entries.
/// </summary>
internal sealed class CampaignListCache(ICampaignCatalog catalog, IDistributedCache cache)
{
    private static readonly string Instance = Guid.NewGuid().ToString("N");
    private static readonly DistributedCacheEntryOptions EntryOptions = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    public static string KeyFor(long version) => $"maps:campaigns:v1:{Instance}:{version}";

    /// <summary>Every campaign, ordered by id and then newest season first; statuses are not set (see <see cref="CampaignMapping.StatusAt"/>).</summary>
    public async Task<IReadOnlyList<V1.Campaign>> GetAsync(CancellationToken cancellationToken)
    {
        var version = catalog.Version;
        var key = KeyFor(version);
        if (await cache.GetAsync(key, cancellationToken) is { } cached)
        {
            return V1.ListCampaignsResponse.Parser.ParseFrom(cached).Campaigns;
        }

        var rendered = new V1.ListCampaignsResponse();
        rendered.Campaigns.Add(catalog.Campaigns
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ThenByDescending(c => c.Season)
            .Select(c => c.ToProto()));

        // Only a rendering known to belong to this version is stored under it.
        if (catalog.Version == version)
        {
            await cache.SetAsync(key, rendered.ToByteArray(), EntryOptions, cancellationToken);
        }

        return rendered.Campaigns;
    }
}
