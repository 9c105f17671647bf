using System.Reflection;

namespace Krakow.BuildingBlocks.Persistence;

/// <summary>Where AddModuleDatabase finds a module's migration scripts, when the defaults do not fit.</summary>
public sealed class ModuleDatabaseOptions
{
    /// <summary>The assembly whose embedded resources hold the scripts; default: the DbContext's assembly.</summary>
    public Assembly? MigrationsAssembly { get; set; }

    /// <summary>
    /// The resource-name prefix of the folder that contains <c>Migrations/Sqlite</c> and <c>Migrations/PostgreSql</c>:
    /// the project's root namespace followed by the folder path with dots, for example <c>Krakow.Modules.Metropolis</c>
    /// for <c>Migrations/</c> at the project root. Default: the only such folder in the assembly, or, when there are
    /// several, the one whose prefix is the DbContext's namespace or its nearest enclosing namespace.
    /// </summary>
    public string? MigrationsNamespace { get; set; }
}
