using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Campaigns;

internal enum CampaignStatus
{
    Upcoming = 1,
    Open = 2,
    Closed = 3,
    Archived = 4,
}

/// <summary>
/// A campaign as the platform serves it: the plugin's validated definition, which plugin (and version) gave it,
/// and its season. A later season of the same campaign id makes this one archived.
/// </summary>
internal sealed record CampaignSnapshot(CampaignDefinition Definition, string PluginId, string PluginVersion, int Season, bool SupersededBySeason = false)
{
    public string Id => Definition.Id;

    /// <summary>Computed from the clock: upcoming before the window, open in it, closed after, archived once superseded.</summary>
    public CampaignStatus StatusAt(DateTimeOffset now) =>
        SupersededBySeason ? CampaignStatus.Archived
        : now < Definition.Window.StartsAt ? CampaignStatus.Upcoming
        : Definition.Window.EndsAt is { } end && now > end ? CampaignStatus.Closed
        : CampaignStatus.Open;
}
