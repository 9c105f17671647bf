using System.Globalization;
using Krakow.BuildingBlocks.Configuration;
using Krakow.Modules.Maps.Application.Images;
using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Infrastructure.Images;

/// <summary>
/// The offer images' settings: <c>Maps:Images:MaxBytes</c> (default 5 MiB), <c>Maps:Images:MaxPixels</c> (default
/// 4096 a side), <c>Maps:Images:StallSeconds</c> and <c>UploadSeconds</c> (default 30 and 300) and
/// <c>Maps:Images:Directory</c> (default <c>&lt;Platform:DataDirectory&gt;/images</c>, relative to the content root),
/// read at start-up so that a bad value stops the host with one line naming the key.
/// </summary>
internal sealed record ImageStorageSettings(ImageLimits Limits, string? Directory, string DataDirectory)
{
    public const string Section = "Maps:Images";

    /// <summary>A generous ceiling: offer images are graphics for a map pop-up, not print masters.</summary>
    private const long MaxConfigurableBytes = 64 * 1024 * 1024;

    public static ImageStorageSettings FromConfiguration(IConfiguration configuration)
    {
        var maxBytes = Read(configuration, "MaxBytes", ImageLimits.DefaultMaxBytes, 1, MaxConfigurableBytes);
        var maxPixels = (int)Read(configuration, "MaxPixels", ImageLimits.DefaultMaxPixels, 1, 65_535);
        var stallSeconds = Read(configuration, "StallSeconds", ImageLimits.DefaultStallSeconds, 1, 600);
        var uploadSeconds = Read(configuration, "UploadSeconds", ImageLimits.DefaultUploadSeconds, 1, 3600);
        var directory = configuration[$"{Section}:Directory"];
        var dataDirectory = configuration["Platform:DataDirectory"];
        return new ImageStorageSettings(
            new ImageLimits(maxBytes, maxPixels, TimeSpan.FromSeconds(stallSeconds), TimeSpan.FromSeconds(uploadSeconds)),
            string.IsNullOrWhiteSpace(directory) ? null : directory.Trim(),
            string.IsNullOrWhiteSpace(dataDirectory) ? "data" : dataDirectory.Trim());
    }

    /// <summary>The blob folder, absolute.</summary>
    public string ResolveDirectory(string contentRootPath)
    {
        try
        {
            return Directory is not null
                ? Path.GetFullPath(Directory, contentRootPath)
                : Path.Combine(Path.GetFullPath(DataDirectory, contentRootPath), "images");
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new PlatformConfigurationException($"{Section}:Directory", $"is not a valid folder path ({ex.Message.TrimEnd('.')})");
        }
    }

    private static long Read(IConfiguration configuration, string name, long fallback, long min, long max)
    {
        var key = $"{Section}:{name}";
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return fallback;
        }

        return long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= min && parsed <= max
            ? parsed
            : throw new PlatformConfigurationException(key, $"must be a whole number from {min} to {max}, not '{value}'");
    }
}
