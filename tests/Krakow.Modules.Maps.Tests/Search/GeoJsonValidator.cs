using System.Diagnostics;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// Runs the independent RFC 7946 checker (@placemarkio/check-geojson, from npm) over a file: Search/geojson/validate.js.
/// Its packages are installed by <c>npm ci</c> in that folder (scripts/install-test-deps.sh does it).
/// </summary>
internal static class GeoJsonValidator
{
    public static string Folder { get; } = Path.Combine(FindRoot(), "tests", "Krakow.Modules.Maps.Tests", "Search", "geojson");

    /// <summary>The validator's exit code and what it printed.</summary>
    public static async Task<(int ExitCode, string Output)> ValidateAsync(byte[] document)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules", "@placemarkio", "check-geojson")))
        {
            throw new InvalidOperationException($"The GeoJSON validator is not installed: run 'npm ci' in {Folder} (scripts/install-test-deps.sh does).");
        }

        var file = Path.Combine(Path.GetTempPath(), $"krakow-export-{Guid.NewGuid():N}.geojson");
        await File.WriteAllBytesAsync(file, document);
        try
        {
            var start = new ProcessStartInfo("node")
            {
                WorkingDirectory = Folder,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(Folder, "validate.js"));
            start.ArgumentList.Add(file);
            start.ArgumentList.Add("--expect-feature-collection");
            using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, (await stdout) + (await stderr));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "KrakowPlatform.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("KrakowPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
