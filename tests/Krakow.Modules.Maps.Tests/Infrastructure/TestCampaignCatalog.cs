using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>A campaign catalogue a test controls: what it holds, and when its version moves.</summary>
internal sealed class TestCampaignCatalog : ICampaignCatalog
{
    private readonly object gate = new();
    private List<CampaignSnapshot> campaigns;

    public TestCampaignCatalog(IEnumerable<CampaignDefinition> definitions) =>
        campaigns = definitions.Select(d => new CampaignSnapshot(d, "test-" + d.Id, "1.0.0", Season: 1)).ToList();

    public event EventHandler? Changed;

    public IReadOnlyList<CampaignSnapshot> Campaigns
    {
        get
        {
            lock (gate)
            {
                return campaigns.ToList();
            }
        }
    }

    public long Version { get; private set; } = 1;

    public CampaignSnapshot? Find(string campaignId) =>
        Campaigns.Where(c => c.Id == campaignId).OrderByDescending(c => c.Season).FirstOrDefault();

    /// <summary>Replaces a campaign as a plugin update would: the version moves and <see cref="Changed"/> fires.</summary>
    public void Replace(CampaignDefinition definition) => Change(definition, announce: true);

    /// <summary>Replaces a campaign without moving the version, as no real catalogue would: shows what a cache serves.</summary>
    public void ReplaceSilently(CampaignDefinition definition) => Change(definition, announce: false);

    private void Change(CampaignDefinition definition, bool announce)
    {
        lock (gate)
        {
            var index = campaigns.FindIndex(c => c.Id == definition.Id);
            var snapshot = new CampaignSnapshot(definition, "test-" + definition.Id, "1.0.1", Season: 1);
            if (index < 0)
            {
                campaigns.Add(snapshot);
            }
            else
            {
                campaigns[index] = snapshot;
            }

            if (announce)
            {
                Version++;
            }
        }

        if (announce)
        {
            Changed?.Invoke(this, EventArgs.Empty);
        }
    }
}
