using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>
/// Finds a module's scripts among the embedded resources of its assembly. A project embeds
/// <c>Migrations/Sqlite/*.sql</c> and <c>Migrations/PostgreSql/*.sql</c>; MSBuild names each resource
/// <c>&lt;RootNamespace&gt;.&lt;folders&gt;.Migrations.&lt;Provider&gt;.&lt;file&gt;</c>.
/// </summary>
internal static partial class MigrationScriptLoader
{
    [GeneratedRegex(@"^(?:(?<root>.+)\.)?Migrations\.(?<provider>Sqlite|PostgreSql)\.(?<file>[^.]+\.sql)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex ResourcePattern();

    [GeneratedRegex(@"^(?<id>\d{4,9})_(?<description>[A-Za-z0-9_\-]+)\.sql$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();

    public static IReadOnlyList<MigrationScript> Load(
        Assembly assembly, string? migrationsNamespace, Type contextType, DatabaseProvider provider)
    {
        var resources = assembly.GetManifestResourceNames()
            .Select(name => (Name: name, Match: ResourcePattern().Match(name)))
            .Where(r => r.Match.Success)
            .Select(r => (r.Name, Root: r.Match.Groups["root"].Value, Provider: ParseProvider(r.Match.Groups["provider"].Value), File: r.Match.Groups["file"].Value))
            .ToList();

        var root = ChooseRoot(resources.Select(r => r.Root).Distinct(StringComparer.Ordinal).ToList(), migrationsNamespace, contextType, assembly);
        if (root is null)
        {
            return [];
        }

        var inRoot = resources.Where(r => r.Root == root).ToList();
        var forProvider = inRoot.Where(r => r.Provider == provider).ToList();
        if (forProvider.Count == 0 && inRoot.Count > 0)
        {
            throw new DatabaseMigrationException(
                $"{contextType.Name} has migration scripts for {inRoot[0].Provider} but none in {Folder(root)}/{provider}: every module ships scripts for both providers.");
        }

        var scripts = new List<MigrationScript>();
        foreach (var resource in forProvider)
        {
            var match = FileNamePattern().Match(resource.File);
            if (!match.Success)
            {
                throw new DatabaseMigrationException(
                    $"Migration script '{Folder(root)}/{provider}/{resource.File}' of {contextType.Name} is not named NNNN_description.sql (for example 0001_create_forums.sql).");
            }

            var id = int.Parse(match.Groups["id"].Value, System.Globalization.CultureInfo.InvariantCulture);
            if (id <= 0)
            {
                throw new DatabaseMigrationException($"Migration script '{resource.File}' of {contextType.Name}: numbers start at 0001.");
            }

            using var stream = assembly.GetManifestResourceStream(resource.Name)
                ?? throw new DatabaseMigrationException($"Embedded resource '{resource.Name}' cannot be read.");
            using var reader = new StreamReader(stream, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            scripts.Add(new MigrationScript(id, resource.File, reader.ReadToEnd()));
        }

        var duplicate = scripts.GroupBy(s => s.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DatabaseMigrationException(
                $"{contextType.Name} has two {provider} migration scripts numbered {duplicate.Key:D4}: {string.Join(" and ", duplicate.Select(s => s.Name))}.");
        }

        return scripts.OrderBy(s => s.Id).ToList();
    }

    private static string? ChooseRoot(IReadOnlyList<string> roots, string? migrationsNamespace, Type contextType, Assembly assembly)
    {
        if (migrationsNamespace is not null)
        {
            if (!roots.Contains(migrationsNamespace, StringComparer.Ordinal))
            {
                throw new DatabaseMigrationException(
                    $"{contextType.Name}: assembly {assembly.GetName().Name} embeds no migration scripts under '{migrationsNamespace}.Migrations' " +
                    $"(found: {(roots.Count == 0 ? "none" : string.Join(", ", roots.Select(Folder)))}).");
            }

            return migrationsNamespace;
        }

        if (roots.Count <= 1)
        {
            return roots.Count == 0 ? null : roots[0];
        }

        // Several Migrations folders in one assembly: take the one nearest the context's namespace.
        var contextNamespace = contextType.Namespace ?? "";
        var enclosing = roots
            .Where(root => root.Length == 0 || contextNamespace == root || contextNamespace.StartsWith(root + ".", StringComparison.Ordinal))
            .OrderByDescending(root => root.Length)
            .ToList();
        if (enclosing.Count == 0)
        {
            throw new DatabaseMigrationException(
                $"{contextType.Name}: assembly {assembly.GetName().Name} has several Migrations folders ({string.Join(", ", roots.Select(Folder))}) " +
                "and none encloses the context's namespace; set ModuleDatabaseOptions.MigrationsNamespace.");
        }

        return enclosing[0];
    }

    private static DatabaseProvider ParseProvider(string folder) =>
        folder.Equals("Sqlite", StringComparison.OrdinalIgnoreCase) ? DatabaseProvider.Sqlite : DatabaseProvider.PostgreSql;

    private static string Folder(string root) => root.Length == 0 ? "Migrations" : root + ".Migrations";
}
