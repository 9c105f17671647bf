using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// <c>plugins</c> (tagged <c>ready</c>): Unhealthy until the start-up scan has finished; Healthy when every plugin
/// folder loaded; Degraded (still serving) naming each failed or incompatible plugin with its reason, each loaded
/// plugin whose new version failed (the old one keeps running), or when there are no plugins at all. The data holds
/// one entry per plugin folder, keyed by the folder's name relative to its plugins directory. It follows plugins
/// added, replaced and removed while the host runs.
/// </summary>
/// <remarks>
/// /readyz is anonymous, so the report names folders and directories through <see cref="PluginPathRedactor"/>
/// (relative to their plugins directory, never an absolute path) and redacts the reasons the same way.
/// </remarks>
internal sealed class PluginsHealthCheck(PluginRegistry registry, PluginPathRedactor paths) : IHealthCheck
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
            data[paths.FolderName(record.Folder)] = new PluginHealthEntry(
                record.Id,
                record.Version,
                record.State.ToString(),
                Redact(record.Reason),
                record.CampaignId,
                record.LoadedAt,
                record.GrpcServices ?? [],
                record.ReloadFailure is { } failure ? $"version {failure.Version ?? "?"} {failure.State.ToString().ToLowerInvariant()}: {paths.Redact(failure.Reason)}" : null);
        }

        var loaded = records.Where(r => r.State == PluginState.Loaded).ToArray();
        var refused = records.Where(r => r.State != PluginState.Loaded).ToArray();
        var problems = new List<string>();
        problems.AddRange(state.MissingDirectories.Select(d => $"plugins directory {paths.DirectoryName(d)} does not exist or cannot be read"));
        problems.AddRange(refused.Select(r => $"{r.DisplayName} ({paths.FolderName(r.Folder)}) {r.State.ToString().ToLowerInvariant()}: {Redact(r.Reason)}"));
        problems.AddRange(loaded.Where(r => r.ReloadFailure is not null).Select(r =>
            $"{r.DisplayName} ({paths.FolderName(r.Folder)}) keeps running: its new version {r.ReloadFailure!.Version ?? "?"} {r.ReloadFailure.State.ToString().ToLowerInvariant()}: {paths.Redact(r.ReloadFailure.Reason)}"));
        if (records.Count == 0)
        {
            problems.Add($"no campaign plugins in {string.Join(", ", registry.Directories.Select(paths.DirectoryName))}");
        }

        var summary = loaded.Length == 0
            ? "no plugins loaded"
            : $"{loaded.Length} loaded: {string.Join(", ", loaded.Select(r => r.DisplayName))}";
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy($"campaign plugins {summary}", data)
            : HealthCheckResult.Degraded($"campaign plugins {summary}; {string.Join("; ", problems)}", data: data));
    }

    private string? Redact(string? reason) => reason is null ? null : paths.Redact(reason);

    /// <summary>One plugin folder in the health report (serialised as JSON by /readyz).</summary>
    internal sealed record PluginHealthEntry(
        string? Id, string? Version, string State, string? Reason, string? CampaignId, DateTimeOffset? LoadedAt, IReadOnlyList<string> GrpcServices, string? ReloadFailure);
}
