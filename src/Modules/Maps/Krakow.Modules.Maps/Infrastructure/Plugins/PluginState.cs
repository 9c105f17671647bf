namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>What became of a plugin folder.</summary>
internal enum PluginState
{
    /// <summary>Validated, loaded in its own load context; its campaign is in the catalogue.</summary>
    Loaded = 1,

    /// <summary>Built for another plugin API (manifest range, SDK version) or a newer shared assembly or .NET.</summary>
    Incompatible = 2,

    /// <summary>Anything else: no or bad manifest, bad assembly, forbidden reference, plugin code threw or hung, invalid campaign.</summary>
    Failed = 3,
}

/// <summary>
/// One plugin folder as the registry knows it. <see cref="Id"/> and <see cref="Version"/> are what the manifest
/// says (null when it could not be read); <see cref="Reason"/> says why a plugin is not loaded. A loaded plugin
/// whose folder then held a version that failed keeps running: <see cref="ReloadFailure"/> says what failed.
/// </summary>
internal sealed record PluginRecord(
    string Folder,
    string? Id,
    string? Version,
    PluginState State,
    string? Reason,
    DateTimeOffset RecordedAt,
    string? CampaignId = null,
    string? Name = null,
    IReadOnlyList<string>? GrpcServices = null,
    PluginReloadFailure? ReloadFailure = null)
{
    public DateTimeOffset? LoadedAt => State == PluginState.Loaded ? RecordedAt : null;

    /// <summary>"im-active 1.0.0" or the folder's name when the manifest could not be read.</summary>
    public string DisplayName => Id is null ? Path.GetFileName(Folder) : Version is null ? Id : $"{Id} {Version}";

    public string FolderName => Path.GetFileName(Folder);
}

/// <summary>A newer version in a loaded plugin's folder that could not replace it: what it was, and why.</summary>
internal sealed record PluginReloadFailure(string? Version, PluginState State, string Reason, DateTimeOffset FailedAt);

/// <summary>Thrown inside the loader to stop at the first problem of a plugin; caught there and recorded, never seen outside.</summary>
internal sealed class PluginRejectedException(PluginState state, string reason) : Exception(reason)
{
    public PluginState State { get; } = state;

    public static PluginRejectedException Failed(string reason) => new(PluginState.Failed, reason);

    public static PluginRejectedException Incompatible(string reason) => new(PluginState.Incompatible, reason);
}
