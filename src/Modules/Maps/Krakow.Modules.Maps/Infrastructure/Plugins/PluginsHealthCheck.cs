using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// <c>plugins</c> (tagged <c>ready</c>): Unhealthy until the start-up scan has finished; Healthy when every plugin
/// folder loaded; Degraded (still serving) naming each failed or incompatible plugin with its reason, each loaded
/// plugin whose new version failed (the old one keeps running), or when there are no plugins at all. The data holds
/// one entry per plugin folder. It follows plugins added, replaced and removed while the host runs.
/// </summary>
internal sealed class PluginsHealthCheck(PluginRegistry registry) : IHealthCheck
{
    public const string Name = "plugins";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!registry.StartupCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("campaign plugins are loading"));
        }

        var state = registry.Current;
        var records = state.Records;
        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            data[record.Folder] = new PluginHealthEntry(
                record.Id,
                record.Version,
                record.State.ToString(),
                record.Reason,
                record.CampaignId,
                record.LoadedAt,
                record.GrpcServices ?? [],
                record.ReloadFailure is { } failure ? $"version {failure.Version ?? "?"} {failure.State.ToString().ToLowerInvariant()}: {failure.Reason}" : null);
        }

        var loaded = records.Where(r => r.State == PluginState.Loaded).ToArray();
        var refused = records.Where(r => r.State != PluginState.Loaded).ToArray();
        var problems = new List<string>();
        problems.AddRange(state.MissingDirectories.Select(d => $"plugins directory {d} does not exist or cannot be read"));
        problems.AddRange(refused.Select(r => $"{r.DisplayName} ({r.Folder}) {r.State.ToString().ToLowerInvariant()}: {r.Reason}"));
        problems.AddRange(loaded.Where(r => r.ReloadFailure is not null).Select(r =>
            $"{r.DisplayName} ({r.Folder}) keeps running: its new version {r.ReloadFailure!.Version ?? "?"} {r.ReloadFailure.State.ToString().ToLowerInvariant()}: {r.ReloadFailure.Reason}"));
        if (records.Count == 0)
        {
            problems.Add($"no campaign plugins in {string.Join(", ", registry.Directories)}");
        }

        var summary = loaded.Length == 0
            ? "no plugins loaded"
            : $"{loaded.Length} loaded: {string.Join(", ", loaded.Select(r => r.DisplayName))}";
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"campaign plugins {summary}", data)
            : HealthCheckResult.Degraded($"campaign plugins {summary}; {string.Join("; ", problems)}", data: data));
    }

    /// <summary>One plugin folder in the health report (serialised as JSON by /readyz).</summary>
    internal sealed record PluginHealthEntry(
        string? Id, string? Version, string State, string? Reason, string? CampaignId, DateTimeOffset? LoadedAt, IReadOnlyList<string> GrpcServices, string? ReloadFailure);
}
