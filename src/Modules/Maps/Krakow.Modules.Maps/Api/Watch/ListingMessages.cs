using System.Text;
using Krakow.Modules.Maps.Api.Listings;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Listings;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Watch;

/// <summary>
/// A listing row as the public API shows it, for the watch and the archive: the full listing, as GetListing and
/// full-view searches return it, built by the Listings API's own mapping (through a throw-away index entry), so
/// every service shows a listing alike.
/// </summary>
internal static class ListingMessages
{
    public static V1.Listing ToProto(Listing row)
    {
        var entry = IndexedListing.Create(row, new SlotTable(), new SlotTable(), new StringBuilder());

        // Rows are written from validated geopoints, so an entry is always made; an id-only message is the fallback.
        return entry is null
            ? new V1.Listing { Id = row.Id, CampaignId = row.CampaignId, SourceCampaignId = row.SourceCampaignId, ApplicationId = row.ApplicationId }
            : ListingsMapping.ToProto(entry, V1.ListingView.Full);
    }
}
