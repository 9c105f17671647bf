namespace Krakow.Plugins.Sdk;

/// <summary>A map campaign: what it is, when it runs, who may apply and how, and where its entries also appear.</summary>
public sealed record CampaignDefinition
{
    /// <summary>Lower-case id, stable across seasons, e.g. "christmas-online"; must equal the manifest's id.</summary>
    public required string Id { get; init; }

    public required LocalizedText Name { get; init; }

    public required LocalizedText Description { get; init; }

    /// <summary>Usually <see cref="PluginContext.Window"/>, so the season's dates stay in the manifest.</summary>
    public required CampaignWindow Window { get; init; }

    public required IReadOnlyList<CampaignCategory> Categories { get; init; }

    public required SurveySchema Survey { get; init; }

    public required Eligibility Eligibility { get; init; }

    public IReadOnlyList<CrossListingRule> CrossListings { get; init; } = [];

    /// <summary>Whether applicants may upload a graphic offer (collage, holiday menu, vouchers).</summary>
    public bool AcceptsOfferImage { get; init; }
}

/// <summary>Polish always; English for every public text; Ukrainian and Russian where offered.</summary>
public sealed record LocalizedText(string Pl, string En, string? Uk = null, string? Ru = null);

/// <summary>When a campaign accepts applications and shows its live map. A null end means indefinitely.</summary>
public sealed record CampaignWindow(DateTimeOffset StartsAt, DateTimeOffset? EndsAt)
{
    public static CampaignWindow Indefinite(DateTimeOffset startsAt) => new(startsAt, null);
}

/// <summary>A category of business on the map; catering ones drive the gastronomy cross-listing.</summary>
public sealed record CampaignCategory(string Id, LocalizedText Name, bool Catering = false);

/// <summary>Entries of the campaign also appear on <paramref name="TargetCampaignId"/> (always, or only catering ones).</summary>
public sealed record CrossListingRule(string TargetCampaignId, bool OnlyCatering = false);
