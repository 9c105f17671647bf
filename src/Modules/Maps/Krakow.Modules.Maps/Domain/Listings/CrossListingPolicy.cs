using Krakow.Modules.Maps.Domain.Campaigns;

namespace Krakow.Modules.Maps.Domain.Listings;

/// <summary>A map an approved entry is listed on, in the season it is listed in.</summary>
internal sealed record ListingTarget(string CampaignId, int Season);

/// <summary>
/// Which maps an approved entry appears on: its own campaign, then every target of the source campaign's
/// cross-listing rules whose rule applies (always, or only when the entry's category is a catering one in the
/// source campaign) and which the business has not opted out of. A new cross-listing needs the target campaign
/// loaded and open; a map the entry is already on keeps it even after that campaign closed (its listings go to the
/// archive with it). The rules come from the campaign definitions, so "gastronomy → I'm ACTIVE" and
/// "I'm ACTIVE catering → gastronomy" are data, not code.
/// </summary>
internal static class CrossListingPolicy
{
    /// <param name="sourceCampaignId">The campaign applied to.</param>
    /// <param name="sourceSeason">The season applied in.</param>
    /// <param name="source">The campaign applied to, or null while its plugin is not loaded (its rules are then unknown: the entry stays where it is).</param>
    /// <param name="categoryId">The entry's category.</param>
    /// <param name="optOuts">Campaigns the business opted out of.</param>
    /// <param name="listedNow">The maps the entry is on now, with their seasons.</param>
    /// <param name="findCampaign">The catalogue.</param>
    /// <param name="now">The clock, for "open".</param>
    public static IReadOnlyList<ListingTarget> MapsFor(
        string sourceCampaignId,
        int sourceSeason,
        CampaignSnapshot? source,
        string categoryId,
        IReadOnlyCollection<string> optOuts,
        IReadOnlyDictionary<string, int> listedNow,
        Func<string, CampaignSnapshot?> findCampaign,
        DateTimeOffset now)
    {
        var maps = new List<ListingTarget> { new(sourceCampaignId, sourceSeason) };
        if (source is null)
        {
            maps.AddRange(listedNow.Where(l => l.Key != sourceCampaignId).Select(l => new ListingTarget(l.Key, l.Value)));
            return maps;
        }

        var catering = source.Definition.Categories.Any(c => c.Id == categoryId && c.Catering);
        foreach (var rule in source.Definition.CrossListings)
        {
            var targetId = rule.TargetCampaignId;
            if ((rule.OnlyCatering && !catering) || optOuts.Contains(targetId) || maps.Any(m => m.CampaignId == targetId))
            {
                continue;
            }

            if (listedNow.TryGetValue(targetId, out var season))
            {
                maps.Add(new ListingTarget(targetId, season));
            }
            else if (findCampaign(targetId) is { } target && target.StatusAt(now) == CampaignStatus.Open)
            {
                maps.Add(new ListingTarget(target.Id, target.Season));
            }
        }

        return maps;
    }

    /// <summary>The campaigns an entry of <paramref name="source"/> could be cross-listed on, whatever its category.</summary>
    public static IReadOnlyList<string> PossibleTargets(CampaignSnapshot source) =>
        source.Definition.CrossListings.Select(r => r.TargetCampaignId).Where(id => id != source.Id).Distinct().ToList();
}
