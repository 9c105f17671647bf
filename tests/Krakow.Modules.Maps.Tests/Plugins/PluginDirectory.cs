using System.Text.Json;
using System.Text.Json.Nodes;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// A temporary plugins directory a test lays out: copies of the plugins the build ships (the host's output, which
/// its build also copies into this test project's output), folders of the test-only fixtures with the manifest the
/// test wants, and deliberately broken folders.
/// </summary>
internal sealed class PluginDirectory : IDisposable
{
    public const string MisbehavingFixture = "Krakow.Plugins.Fixtures.Misbehaving";
    public const string ForbiddenFixture = "Krakow.Plugins.Fixtures.Forbidden";

    public PluginDirectory() => Root = Directory.CreateTempSubdirectory("krakow-plugins-").FullName;

    public string Root { get; }

    /// <summary>The shipped plugins in this test's output: plugins/&lt;id&gt;/ next to Krakow.Host.dll.</summary>
    public static string Shipped => Path.Combine(AppContext.BaseDirectory, "plugins");

    public static string FixtureOutput(string fixture) => Path.Combine(AppContext.BaseDirectory, "plugin-fixtures", fixture);

    public string PathOf(string folder) => Path.Combine(Root, folder);

    /// <summary>Copies the shipped plugin <paramref name="id"/> as the folder <paramref name="folder"/> (default: its id).</summary>
    public string CopyShipped(string id, string? folder = null)
    {
        var target = PathOf(folder ?? id);
        CopyDirectory(Path.Combine(Shipped, id), target);
        return target;
    }

    /// <summary>A folder with a fixture's build output and a manifest of id <paramref name="folder"/> naming <paramref name="entryType"/>.</summary>
    public string AddFixture(string folder, string fixture, string entryType, Action<JsonObject>? edit = null)
    {
        var target = PathOf(folder);
        CopyDirectory(FixtureOutput(fixture), target);
        var manifest = Manifest(folder, fixture + ".dll", $"{fixture}.{entryType}");
        edit?.Invoke(manifest);
        WriteManifest(target, manifest);
        return target;
    }

    public string AddEmptyFolder(string folder) => Directory.CreateDirectory(PathOf(folder)).FullName;

    public static JsonObject Manifest(string id, string entryAssembly, string entryType) => new()
    {
        ["id"] = id,
        ["name"] = $"test plugin {id}",
        ["version"] = "1.0.0",
        ["pluginApi"] = new JsonObject { ["min"] = 1, ["max"] = 1 },
        ["entryAssembly"] = entryAssembly,
        ["entryType"] = entryType,
        ["window"] = new JsonObject { ["startsAt"] = "2026-01-01T00:00:00+01:00", ["endsAt"] = null },
    };

    public static JsonObject ReadManifest(string folder) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json")))!.AsObject();

    public static void WriteManifest(string folder, JsonObject manifest) =>
        File.WriteAllText(Path.Combine(folder, "plugin.json"), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A plugin thread the host abandoned may still hold a file; the temp folder is cleaned up later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void CopyDirectory(string source, string target)
    {
        if (!Directory.Exists(source))
        {
            throw new DirectoryNotFoundException($"{source} does not exist: build the solution (the host's build ships the plugins)");
        }

        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
