using System.Globalization;
using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Application.Watch;

/// <summary>Reads a time span setting at start-up; a malformed or out-of-range value stops the host naming the key.</summary>
internal static class ConfiguredTime
{
    public static TimeSpan Read(IConfiguration configuration, string key, TimeSpan fallback, TimeSpan min, TimeSpan max)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new PlatformConfigurationException(key, $"must be a time span between {min:c} and {max:c}, not '{text}'");
    }

    public static int ReadInt(IConfiguration configuration, string key, int fallback, int min, int max)
    {
        if (configuration[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new PlatformConfigurationException(key, $"must be a whole number from {min} to {max}, not '{text}'");
    }
}
