using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// A campaign catalogue the search tests control: campaigns are added per test (each test works on its own
/// campaigns and area), with windows in the past, present or future, and seasons.
/// </summary>
internal sealed class SearchCatalog : ICampaignCatalog
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CampaignSnapshot> campaigns = new(StringComparer.Ordinal);
    private long version;

    public event EventHandler? Changed;

    public IReadOnlyList<CampaignSnapshot> Campaigns
    {
        get
        {
            lock (gate)
            {
                return [.. campaigns.Values];
            }
        }
    }

    public long Version => Interlocked.Read(ref version);

    public static CampaignWindow Running => CampaignWindow.Indefinite(DateTimeOffset.UtcNow.AddYears(-1));

    public static CampaignWindow Ended => new(DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddYears(-1));

    public static CampaignWindow NotYetStarted => new(DateTimeOffset.UtcNow.AddYears(1), null);

    public CampaignSnapshot? Find(string campaignId)
    {
        lock (gate)
        {
            return campaigns.GetValueOrDefault(campaignId);
        }
    }

    /// <summary>Adds (or replaces) a campaign with the given categories; the window defaults to open now.</summary>
    public CampaignSnapshot Add(string id, IEnumerable<string> categories, CampaignWindow? window = null, int season = 1)
    {
        var definition = new CampaignDefinition
        {
            Id = id,
            Name = new LocalizedText("Kampania " + id, "Campaign " + id),
            Description = new LocalizedText("Opis", "Description"),
            Window = window ?? Running,
            Categories = [.. categories.Select(c => new CampaignCategory(c, new LocalizedText(c, c), Catering: c == "restaurant"))],
            Survey = new SurveySchema([]),
            Eligibility = new Eligibility(new LocalizedText("Kraków", "Kraków"), [new CircleArea(new GeoPosition(50.06, 19.94), 100_000)]),
        };
        var snapshot = new CampaignSnapshot(definition, "test-" + id, "1.0.0", season);
        lock (gate)
        {
            campaigns[id] = snapshot;
        }

        Interlocked.Increment(ref version);
        Changed?.Invoke(this, EventArgs.Empty);
        return snapshot;
    }
}
