using System.Collections.Frozen;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// The campaigns of the loaded plugins, fed by the <see cref="PluginRegistry"/>: each registry change builds a new
/// immutable view that replaces the old one in one write, so readers never lock and never see half a change.
/// When one campaign id has several seasons, the newest is the one <see cref="Find"/> returns and the others are
/// archived. Cross-listing targets that no loaded plugin provides are kept (they may come later) and logged.
/// </summary>
internal sealed partial class PluginCampaignCatalog : ICampaignCatalog, IDisposable
{
    private readonly PluginRegistry registry;
    private readonly ILogger<PluginCampaignCatalog> logger;
    private readonly Lock refreshGate = new();
    private volatile View view = View.Empty;
    private FrozenSet<string> danglingTargets = FrozenSet<string>.Empty;

    public PluginCampaignCatalog(PluginRegistry registry, ILogger<PluginCampaignCatalog> logger)
    {
        this.registry = registry;
        this.logger = logger;
        registry.Changed += OnRegistryChanged;
        Refresh();
    }

    public event EventHandler? Changed;

    public IReadOnlyList<CampaignSnapshot> Campaigns => view.Campaigns;

    public long Version => view.Version;

    public CampaignSnapshot? Find(string campaignId) => view.Current.GetValueOrDefault(campaignId);

    public void Dispose() => registry.Changed -= OnRegistryChanged;

    private void OnRegistryChanged(object? sender, EventArgs e) => Refresh();

    private void Refresh()
    {
        lock (refreshGate)
        {
            var source = registry.Current;
            if (source.Generation == view.RegistryGeneration)
            {
                return;
            }

            var current = source.Campaigns
                .GroupBy(c => c.Id, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.MaxBy(c => c.Season)!, StringComparer.Ordinal);
            var campaigns = source.Campaigns
                .Select(c => ReferenceEquals(current[c.Id], c) ? c : c with { SupersededBySeason = true })
                .OrderBy(c => c.Id, StringComparer.Ordinal)
                .ThenByDescending(c => c.Season)
                .ToArray();
            view = new View(view.Version + 1, source.Generation, campaigns, current);
            ReportDanglingTargets(campaigns, current);
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    private void ReportDanglingTargets(IReadOnlyList<CampaignSnapshot> campaigns, FrozenDictionary<string, CampaignSnapshot> current)
    {
        var dangling = campaigns
            .Where(c => !c.SupersededBySeason)
            .SelectMany(c => c.Definition.CrossListings.Select(r => (Source: c.Id, Target: r.TargetCampaignId)))
            .Where(link => !current.ContainsKey(link.Target))
            .ToArray();
        var keys = dangling.Select(link => $"{link.Source}->{link.Target}").ToFrozenSet(StringComparer.Ordinal);
        if (keys.SetEquals(danglingTargets))
        {
            return;
        }

        danglingTargets = keys;
        foreach (var (source, target) in dangling)
        {
            LogDanglingTarget(source, target);
        }
    }

    [LoggerMessage(10, LogLevel.Warning, "Campaign {CampaignId} cross-lists to {TargetCampaignId}, which no loaded plugin provides: those cross-listings are ignored until it is loaded")]
    private partial void LogDanglingTarget(string campaignId, string targetCampaignId);

    private sealed record View(long Version, long RegistryGeneration, IReadOnlyList<CampaignSnapshot> Campaigns, FrozenDictionary<string, CampaignSnapshot> Current)
    {
        public static readonly View Empty = new(0, 0, [], FrozenDictionary<string, CampaignSnapshot>.Empty);
    }
}
