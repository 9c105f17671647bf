using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// A plugin's <c>plugin.json</c>, validated: nothing of the plugin is loaded before the manifest passes.
/// <code>
/// {
///   "id": "christmas-online",                       // ^[a-z][a-z0-9-]{1,62}$, the folder's name, the campaign's id
///   "version": "1.0.0",                             // semantic version
///   "pluginApi": { "min": 1, "max": 1 },            // must contain the host's PluginApi.Version
///   "entryAssembly": "Krakow.Plugins.X.dll",        // a file in the plugin's folder, nothing else
///   "entryType": "Krakow.Plugins.X.XCampaign",      // public ICampaignPlugin with a parameterless constructor
///   "window": { "startsAt": "2026-11-01T00:00:00+01:00", "endsAt": "2027-01-06T23:59:59+01:00" }, // endsAt may be null
///   "name": "for logs",                             // optional
///   "season": 1,                                    // optional, default 1
///   "notes": "free text for people"                 // optional
/// }
/// </code>
/// </summary>
internal sealed partial record PluginManifest(
    string Id,
    string Version,
    int ApiMin,
    int ApiMax,
    string EntryAssembly,
    string EntryType,
    CampaignWindow Window,
    string? Name,
    int Season)
{
    public const string FileName = "plugin.json";
    public const int MaxBytes = 64 * 1024;

    private static readonly HashSet<string> KnownProperties =
        ["id", "version", "pluginApi", "entryAssembly", "entryType", "window", "name", "season", "notes"];

    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowDuplicateProperties = false,
        AllowTrailingCommas = false,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 8,
    };

    public bool SupportsApi(int version) => ApiMin <= version && version <= ApiMax;

    public PluginContext ToContext() => new(Id, Version, Window);

    /// <summary>
    /// Reads and validates <c>plugin.json</c> of <paramref name="folder"/>; every problem found is in the one exception.
    /// The id must equal <paramref name="folderName"/> (default: the folder's own name; a shadow copy passes the
    /// name of the folder it copied).
    /// </summary>
    /// <exception cref="PluginRejectedException">The manifest is missing, too large, not JSON or breaks a rule.</exception>
    public static PluginManifest Read(string folder, string? folderName = null)
    {
        var path = Path.Combine(folder, FileName);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw PluginRejectedException.Failed($"no {FileName} in the plugin folder");
        }

        if (file.Length > MaxBytes)
        {
            throw PluginRejectedException.Failed($"{FileName} is {file.Length} bytes; at most {MaxBytes} are read");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException ex)
        {
            throw PluginRejectedException.Failed($"{FileName} cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw PluginRejectedException.Failed($"{FileName} cannot be read: {ex.Message}");
        }

        if (bytes.Length > MaxBytes)
        {
            throw PluginRejectedException.Failed($"{FileName} is larger than {MaxBytes} bytes");
        }

        // Editors on Windows like to start UTF-8 with a byte order mark; the JSON reader does not take one.
        ReadOnlyMemory<byte> json = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? bytes.AsMemory(3) : bytes;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw PluginRejectedException.Failed($"{FileName} is not valid JSON: {ex.Message}");
        }

        using (document)
        {
            return Parse(document.RootElement, folderName ?? Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
        }
    }

    private static PluginManifest Parse(JsonElement root, string folderName)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw PluginRejectedException.Failed($"{FileName} must hold a JSON object");
        }

        var problems = new List<string>();
        foreach (var property in root.EnumerateObject())
        {
            if (!KnownProperties.Contains(property.Name))
            {
                problems.Add($"unknown property '{property.Name}'");
            }
        }

        var id = RequiredString(root, "id", problems);
        if (id is not null)
        {
            if (!IdPattern().IsMatch(id))
            {
                problems.Add($"id '{id}' must match ^[a-z][a-z0-9-]{{1,62}}$");
            }
            else if (!string.Equals(id, folderName, StringComparison.Ordinal))
            {
                problems.Add($"id '{id}' must equal the plugin folder's name '{folderName}'");
            }
        }

        var version = RequiredString(root, "version", problems);
        if (version is not null && (version.Length > 64 || !VersionPattern().IsMatch(version)))
        {
            problems.Add($"version '{version}' must be a semantic version such as 1.2.3 or 1.2.3-beta.1");
        }

        int? apiMin = null;
        int? apiMax = null;
        if (Required(root, "pluginApi", JsonValueKind.Object, problems) is { } api)
        {
            foreach (var property in api.EnumerateObject())
            {
                if (property.Name is not ("min" or "max"))
                {
                    problems.Add($"unknown property 'pluginApi.{property.Name}'");
                }
            }

            apiMin = PositiveInt(api, "pluginApi.min", "min", problems);
            apiMax = PositiveInt(api, "pluginApi.max", "max", problems);
            if (apiMin > apiMax)
            {
                problems.Add($"pluginApi.min ({apiMin}) must not exceed pluginApi.max ({apiMax})");
            }
        }

        var entryAssembly = RequiredString(root, "entryAssembly", problems);
        if (entryAssembly is not null && EntryAssemblyProblem(entryAssembly) is { } assemblyProblem)
        {
            problems.Add(assemblyProblem);
        }

        var entryType = RequiredString(root, "entryType", problems);
        if (entryType is not null && (entryType.Length > 512 || !TypeNamePattern().IsMatch(entryType)))
        {
            problems.Add($"entryType '{entryType}' must be a full type name such as Krakow.Plugins.X.XCampaign");
        }

        CampaignWindow? window = null;
        if (Required(root, "window", JsonValueKind.Object, problems) is { } windowElement)
        {
            foreach (var property in windowElement.EnumerateObject())
            {
                if (property.Name is not ("startsAt" or "endsAt"))
                {
                    problems.Add($"unknown property 'window.{property.Name}'");
                }
            }

            var startsAt = Timestamp(windowElement, "startsAt", required: true, problems);
            var endsAt = Timestamp(windowElement, "endsAt", required: false, problems);
            if (startsAt is { } start)
            {
                if (endsAt is { } end && end <= start)
                {
                    problems.Add($"window.endsAt ({end:O}) must be after window.startsAt ({start:O})");
                }
                else
                {
                    window = new CampaignWindow(start, endsAt);
                }
            }
        }

        string? name = null;
        if (root.TryGetProperty("name", out var nameElement) && nameElement.ValueKind != JsonValueKind.Null)
        {
            if (nameElement.ValueKind != JsonValueKind.String || nameElement.GetString() is not { Length: > 0 and <= 200 } text)
            {
                problems.Add("name must be a string of 1 to 200 characters");
            }
            else
            {
                name = text;
            }
        }

        if (root.TryGetProperty("notes", out var notes) && notes.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
        {
            problems.Add("notes must be a string");
        }

        var season = 1;
        if (root.TryGetProperty("season", out var seasonElement)
            && (seasonElement.ValueKind != JsonValueKind.Number || !seasonElement.TryGetInt32(out season) || season is < 1 or > 10_000))
        {
            problems.Add("season must be a whole number from 1 to 10000");
        }

        if (problems.Count > 0)
        {
            throw PluginRejectedException.Failed($"{FileName}: {string.Join("; ", problems)}");
        }

        return new PluginManifest(id!, version!, apiMin!.Value, apiMax!.Value, entryAssembly!, entryType!, window!, name, season);
    }

    /// <summary>A plain file name ending in .dll: no directory part, no "..", nothing that could point outside the folder.</summary>
    private static string? EntryAssemblyProblem(string entryAssembly)
    {
        if (entryAssembly.Length > 255
            || entryAssembly.IndexOfAny(['/', '\\', ':', '\0']) >= 0
            || entryAssembly.Contains("..", StringComparison.Ordinal)
            || entryAssembly.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || !string.Equals(Path.GetFileName(entryAssembly), entryAssembly, StringComparison.Ordinal)
            || entryAssembly.StartsWith('.')
            || entryAssembly.Trim() != entryAssembly)
        {
            return $"entryAssembly '{entryAssembly}' must be a plain file name inside the plugin's folder (no path, no '..')";
        }

        return entryAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) && entryAssembly.Length > 4
            ? null
            : $"entryAssembly '{entryAssembly}' must name a .dll";
    }

    private static JsonElement? Required(JsonElement parent, string name, JsonValueKind kind, List<string> problems)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            problems.Add($"{name} is required");
            return null;
        }

        if (element.ValueKind != kind)
        {
            problems.Add($"{name} must be a JSON {kind.ToString().ToLowerInvariant()}");
            return null;
        }

        return element;
    }

    private static string? RequiredString(JsonElement parent, string name, List<string> problems)
    {
        if (Required(parent, name, JsonValueKind.String, problems) is not { } element)
        {
            return null;
        }

        var value = element.GetString();
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{name} must not be empty");
            return null;
        }

        return value;
    }

    private static int? PositiveInt(JsonElement parent, string label, string name, List<string> problems)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.Number
            || !element.TryGetInt32(out var value) || value < 1)
        {
            problems.Add($"{label} must be a whole number of at least 1");
            return null;
        }

        return value;
    }

    private static DateTimeOffset? Timestamp(JsonElement parent, string name, bool required, List<string> problems)
    {
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                problems.Add($"window.{name} is required");
            }

            return null;
        }

        if (element.ValueKind != JsonValueKind.String
            || element.GetString() is not { } text
            || !TimestampPattern().IsMatch(text)
            || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            problems.Add($"window.{name} must be an ISO 8601 date and time with an offset, such as 2026-11-01T00:00:00+01:00");
            return null;
        }

        return value;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    internal static partial Regex IdPattern();

    [GeneratedRegex(@"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex VersionPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*(\+[A-Za-z_][A-Za-z0-9_]*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex TypeNamePattern();

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,7})?)?(Z|[+-][0-9]{2}:[0-9]{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex TimestampPattern();
}
