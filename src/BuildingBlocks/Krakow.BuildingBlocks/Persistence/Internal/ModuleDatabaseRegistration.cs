using System.Reflection;

namespace Krakow.BuildingBlocks.Persistence.Internal;

/// <summary>One module database added with AddModuleDatabase: its context type and where its migration scripts are.</summary>
internal sealed class ModuleDatabaseRegistration(Type contextType, Assembly migrationsAssembly, string? migrationsNamespace)
{
    private readonly TaskCompletionSource _migrated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Type ContextType { get; } = contextType;

    public Assembly MigrationsAssembly { get; } = migrationsAssembly;

    public string? MigrationsNamespace { get; } = migrationsNamespace;

    /// <summary>Completes when this service provider has brought the module's tables up to date; the dispatcher waits for it.</summary>
    public Task Migrated => _migrated.Task;

    public void MarkMigrated() => _migrated.TrySetResult();
}
