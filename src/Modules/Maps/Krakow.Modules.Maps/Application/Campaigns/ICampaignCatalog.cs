using Krakow.Modules.Maps.Domain.Campaigns;

namespace Krakow.Modules.Maps.Application.Campaigns;

/// <summary>
/// The campaigns the loaded plugins provide, as they are now. Plugins come and go while the host runs, so callers
/// read the catalogue per request and never keep a snapshot list; <see cref="Changed"/> fires after each change.
/// </summary>
internal interface ICampaignCatalog
{
    IReadOnlyList<CampaignSnapshot> Campaigns { get; }

    CampaignSnapshot? Find(string campaignId);

    /// <summary>Grows with every change; caches key on it so a stale catalogue is never served.</summary>
    long Version { get; }

    event EventHandler? Changed;
}
