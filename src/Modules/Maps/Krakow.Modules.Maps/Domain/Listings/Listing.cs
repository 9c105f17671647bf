namespace Krakow.Modules.Maps.Domain.Listings;

/// <summary>
/// An approved entry on one map. An application appears once per map it is listed on: its own campaign, and
/// each campaign its cross-listing rules name (unless the business opted out), recording where it came from.
/// Rows are written only together with a <see cref="ListingChange"/>, in one transaction.
/// </summary>
internal sealed class Listing
{
    /// <summary>"&lt;application id&gt;@&lt;campaign id&gt;".</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The map this listing is on.</summary>
    public string CampaignId { get; set; } = string.Empty;

    /// <summary>The campaign the business applied to.</summary>
    public string SourceCampaignId { get; set; } = string.Empty;

    public string ApplicationId { get; set; } = string.Empty;

    /// <summary>The season of <see cref="CampaignId"/> the listing belongs to; older seasons are the archive.</summary>
    public int Season { get; set; }

    public string Name { get; set; } = string.Empty;

    public string CategoryId { get; set; } = string.Empty;

    public double Latitude { get; set; }

    public double Longitude { get; set; }

    public string Street { get; set; } = string.Empty;

    public string BuildingNumber { get; set; } = string.Empty;

    public string PostalCode { get; set; } = string.Empty;

    public string City { get; set; } = string.Empty;

    public bool OrdersOnline { get; set; }

    public bool Delivers { get; set; }

    public string Website { get; set; } = string.Empty;

    public string Phone { get; set; } = string.Empty;

    public string Description { get; set; } = string.Empty;

    /// <summary>SHA-256 content address of the offer image, or empty.</summary>
    public string OfferImageId { get; set; } = string.Empty;

    public DateTimeOffset UpdatedAt { get; set; }

    public static string IdFor(string applicationId, string campaignId) => applicationId + "@" + campaignId;
}

internal enum ListingChangeKind
{
    Added = 1,
    Updated = 2,
    Removed = 3,
}

/// <summary>
/// The append-only feed of listing changes: the search index of every host instance follows it, and partners
/// watching a campaign resume from a position in it. <see cref="Sequence"/> grows with each change.
/// </summary>
internal sealed class ListingChange
{
    public long Sequence { get; set; }

    public string ListingId { get; set; } = string.Empty;

    public string CampaignId { get; set; } = string.Empty;

    public ListingChangeKind Kind { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}
