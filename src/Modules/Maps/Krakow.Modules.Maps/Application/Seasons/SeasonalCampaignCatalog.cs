using System.Collections.Frozen;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Plugins.Sdk;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>
/// The campaign catalogue with seasons: the plugins' campaigns (the inner catalogue) merged with the seasons
/// administrators opened (<see cref="CampaignSeasonRecord"/>). A campaign's seasons are the one its plugin declares
/// (the manifest's window, season 1 unless the manifest says otherwise) and every opened one; the highest is the
/// current season — what <see cref="Find"/> returns, with that season's window — and the others are listed as
/// archived (<see cref="CampaignSnapshot.SupersededBySeason"/>), so the live map and the export follow the current
/// season only. Registered as <see cref="ICampaignCatalog"/>: everything that reads the catalogue sees seasons.
/// </summary>
/// <remarks>
/// Like the plugin catalogue, each change builds a new immutable view swapped in one write; <see cref="Version"/>
/// grows with every view (a plugin change or a season change), so caches keyed on it never serve a stale season.
/// Season rows are read at start-up, right after this instance opens a season, and every
/// <see cref="SeasonOptions.RefreshInterval"/> (seasons another instance opened).
/// </remarks>
internal sealed class SeasonalCampaignCatalog : ICampaignCatalog, IDisposable
{
    private readonly ICampaignCatalog plugins;
    private readonly IServiceScopeFactory scopes;
    private readonly Lock gate = new();
    private readonly SemaphoreSlim reloading = new(1, 1);
    private FrozenDictionary<string, CampaignSeasonRecord[]> opened = FrozenDictionary<string, CampaignSeasonRecord[]>.Empty;
    private volatile View view = View.Empty;

    public SeasonalCampaignCatalog(ICampaignCatalog plugins, IServiceScopeFactory scopes)
    {
        this.plugins = plugins;
        this.scopes = scopes;
        plugins.Changed += OnPluginsChanged;
        Rebuild();
    }

    public event EventHandler? Changed;

    public IReadOnlyList<CampaignSnapshot> Campaigns => view.Campaigns;

    public long Version => view.Version;

    public CampaignSnapshot? Find(string campaignId) => view.Current.GetValueOrDefault(campaignId);

    /// <summary>Every season of <paramref name="campaignId"/> as the catalogue serves it, newest first; empty for an unknown campaign.</summary>
    public IReadOnlyList<CampaignSnapshot> SeasonsOf(string campaignId) =>
        view.Campaigns.Where(c => c.Id == campaignId).OrderByDescending(c => c.Season).ToList();

    /// <summary>Reads the season rows again and rebuilds the view when they changed.</summary>
    public async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await reloading.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
            var rows = await db.Set<CampaignSeasonRecord>().AsNoTracking().ToListAsync(cancellationToken);
            var byCampaign = rows
                .GroupBy(r => r.CampaignId, StringComparer.Ordinal)
                .ToFrozenDictionary(g => g.Key, g => g.OrderBy(r => r.Season).ToArray(), StringComparer.Ordinal);
            lock (gate)
            {
                if (SameRows(byCampaign, opened))
                {
                    return;
                }

                opened = byCampaign;
            }

            Rebuild();
        }
        finally
        {
            reloading.Release();
        }
    }

    public void Dispose()
    {
        plugins.Changed -= OnPluginsChanged;
        reloading.Dispose();
    }

    private void OnPluginsChanged(object? sender, EventArgs e) => Rebuild();

    private void Rebuild()
    {
        lock (gate)
        {
            var campaigns = new List<CampaignSnapshot>();
            var current = new Dictionary<string, CampaignSnapshot>(StringComparer.Ordinal);
            foreach (var group in plugins.Campaigns.GroupBy(c => c.Id, StringComparer.Ordinal))
            {
                var plugin = plugins.Find(group.Key) ?? group.MaxBy(c => c.Season)!;
                if (!opened.TryGetValue(group.Key, out var rows))
                {
                    campaigns.AddRange(group);
                    current[group.Key] = plugin;
                    continue;
                }

                // The plugin's own season(s), then the opened ones (an opened season of the same number wins).
                var windows = group.ToDictionary(c => c.Season, c => c.Definition.Window);
                foreach (var row in rows)
                {
                    windows[row.Season] = WindowOf(row);
                }

                var latest = windows.Keys.Max();
                foreach (var (season, window) in windows)
                {
                    var snapshot = plugin with
                    {
                        Definition = plugin.Definition with { Window = window },
                        Season = season,
                        SupersededBySeason = season != latest,
                    };
                    campaigns.Add(snapshot);
                    if (season == latest)
                    {
                        current[group.Key] = snapshot;
                    }
                }
            }

            var ordered = campaigns.OrderBy(c => c.Id, StringComparer.Ordinal).ThenByDescending(c => c.Season).ToArray();
            view = new View(view.Version + 1, ordered, current.ToFrozenDictionary(StringComparer.Ordinal));
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }

    public static CampaignWindow WindowOf(CampaignSeasonRecord row) =>
        new(new DateTimeOffset(row.StartsAt, TimeSpan.Zero), row.EndsAt is { } end ? new DateTimeOffset(end, TimeSpan.Zero) : null);

    private static bool SameRows(FrozenDictionary<string, CampaignSeasonRecord[]> a, FrozenDictionary<string, CampaignSeasonRecord[]> b) =>
        a.Count == b.Count
        && a.All(entry => b.TryGetValue(entry.Key, out var other)
            && other.Length == entry.Value.Length
            && other.Zip(entry.Value).All(pair => pair.First.Season == pair.Second.Season
                && pair.First.StartsAt == pair.Second.StartsAt
                && pair.First.EndsAt == pair.Second.EndsAt));

    private sealed record View(long Version, IReadOnlyList<CampaignSnapshot> Campaigns, FrozenDictionary<string, CampaignSnapshot> Current)
    {
        public static readonly View Empty = new(0, [], FrozenDictionary<string, CampaignSnapshot>.Empty);
    }
}
