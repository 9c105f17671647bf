using Krakow.BuildingBlocks.Persistence.Internal;
using Krakow.BuildingBlocks.Persistence.Migrations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Krakow.BuildingBlocks.Persistence;

public static class DatabaseMigrationExtensions
{
    /// <summary>
    /// Brings every module database added with AddModuleDatabase up to date; the host calls it at start-up, before
    /// it serves requests (each host instance does: it is quick when nothing is pending). For each module: the
    /// history table (<c>&lt;schema&gt;.__migrations</c> / <c>&lt;prefix&gt;___migrations</c>: id, name, checksum,
    /// applied_at) and the outbox tables are created first, then its scripts run in order, each in a transaction with
    /// its history row. Safe when several hosts start at once (PostgreSQL: an advisory lock per schema; SQLite:
    /// BEGIN IMMEDIATE and a busy timeout). A script edited after it was applied stops start-up with a
    /// <see cref="DatabaseMigrationException"/>. The modules' outbox dispatchers start delivering once this is done.
    /// </summary>
    public static async Task MigrateModuleDatabasesAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var registrations = services.GetServices<ModuleDatabaseRegistration>().ToList();
        if (registrations.Count == 0)
        {
            return;
        }

        var database = ModuleDatabaseServiceCollectionExtensions.GetDatabaseOptions(services);
        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Krakow.BuildingBlocks.Persistence.Migrations")
            ?? NullLogger.Instance;
        MigrationRunner runner = database.Provider == DatabaseProvider.PostgreSql
            ? new PostgreSqlMigrationRunner(database.ConnectionString, logger)
            : new SqliteMigrationRunner(database.ConnectionString, logger);

        var plans = new List<(ModuleDatabaseRegistration Registration, ModuleMigrationPlan Plan)>();
        foreach (var registration in registrations)
        {
            string schema;
            await using (var scope = services.CreateAsyncScope())
            {
                var context = (ModuleDbContext)scope.ServiceProvider.GetRequiredService(registration.ContextType);
                schema = ModuleNaming.ValidateSchema(context.Schema, registration.ContextType);
            }

            var owner = plans.FirstOrDefault(p => p.Plan.Schema == schema);
            if (owner.Plan is not null)
            {
                throw new DatabaseMigrationException(
                    $"{registration.ContextType.Name} and {owner.Plan.ContextName} both use schema '{schema}': each module owns its own schema.");
            }

            var scripts = PlatformScripts.For(database.Provider, schema)
                .Concat(MigrationScriptLoader.Load(registration.MigrationsAssembly, registration.MigrationsNamespace, registration.ContextType, database.Provider))
                .ToList();
            plans.Add((registration, new ModuleMigrationPlan(registration.ContextType.Name, schema, scripts)));
        }

        foreach (var (registration, plan) in plans)
        {
            await runner.MigrateAsync(plan, cancellationToken);
            registration.MarkMigrated();
        }
    }
}
