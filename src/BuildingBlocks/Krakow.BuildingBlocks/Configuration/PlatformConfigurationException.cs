namespace Krakow.BuildingBlocks.Configuration;

/// <summary>A configuration value the platform cannot start with; the message is one line naming the key.</summary>
public sealed class PlatformConfigurationException(string key, string problem)
    : Exception($"Configuration error: {key} {problem}.")
{
    public string Key { get; } = key;
}
