using Krakow.BuildingBlocks.Messaging;
using Krakow.BuildingBlocks.Messaging.Outbox;
using Krakow.BuildingBlocks.Persistence.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Krakow.BuildingBlocks.Persistence;

public static class ModuleDatabaseServiceCollectionExtensions
{
    /// <summary>
    /// Adds a module's database: <typeparamref name="TContext"/> (scoped) on the provider of the host's
    /// <see cref="DatabaseOptions"/> singleton; its migration scripts, embedded in the context's assembly as
    /// <c>Migrations/Sqlite/NNNN_description.sql</c> and <c>Migrations/PostgreSql/NNNN_description.sql</c> and applied
    /// in number order by <see cref="DatabaseMigrationExtensions.MigrateModuleDatabasesAsync"/>; and the background
    /// dispatcher that delivers the module's outbox to the registered integration event handlers.
    /// </summary>
    /// <remarks>
    /// In the project file: <c>&lt;EmbeddedResource Include="Migrations/**/*.sql" /&gt;</c>. The platform's tables
    /// (history, outbox) are created for the module before its scripts; its scripts create only its own tables:
    /// PostgreSQL scripts run with <c>search_path</c> set to the module's schema, SQLite scripts name tables with
    /// the prefix <c>&lt;schema&gt;_</c>.
    /// </remarks>
    public static IServiceCollection AddModuleDatabase<TContext>(this IServiceCollection services)
        where TContext : ModuleDbContext =>
        services.AddModuleDatabase<TContext>(_ => { });

    /// <inheritdoc cref="AddModuleDatabase{TContext}(IServiceCollection)"/>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Where the migration scripts are, when not in the context's assembly's only Migrations folder.</param>
    public static IServiceCollection AddModuleDatabase<TContext>(this IServiceCollection services, Action<ModuleDatabaseOptions> configure)
        where TContext : ModuleDbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        if (services.Any(d => d.ServiceType == typeof(ModuleDatabaseRegistration)
                              && d.ImplementationInstance is ModuleDatabaseRegistration r && r.ContextType == typeof(TContext)))
        {
            throw new InvalidOperationException($"AddModuleDatabase<{typeof(TContext).Name}>() was called twice.");
        }

        var options = new ModuleDatabaseOptions();
        configure(options);
        services.AddSingleton(new ModuleDatabaseRegistration(
            typeof(TContext), options.MigrationsAssembly ?? typeof(TContext).Assembly, options.MigrationsNamespace));

        services.TryAddSingleton<OutboxSignal<TContext>>();
        services.TryAddSingleton<OutboxNotifyingInterceptor<TContext>>();
        services.AddDbContext<TContext>((provider, builder) =>
        {
            var database = GetDatabaseOptions(provider);
            switch (database.Provider)
            {
                case DatabaseProvider.PostgreSql:
                    builder.UseNpgsql(database.ConnectionString);
                    break;
                case DatabaseProvider.Sqlite:
                    builder.UseSqlite(database.ConnectionString);
                    break;
                default:
                    throw new DatabaseConfigurationException(nameof(DatabaseOptions.Provider), $"'{database.Provider}' is not a database provider.");
            }

            builder.ReplaceService<IModelCacheKeyFactory, ModuleModelCacheKeyFactory>();
            builder.AddInterceptors(provider.GetRequiredService<OutboxNotifyingInterceptor<TContext>>());
        });

        services.AddOutboxServices();
        services.AddHostedService<OutboxDispatcher<TContext>>();
        services.TryAddSingleton<OutboxProcessor<TContext>>();
        return services;
    }

    internal static DatabaseOptions GetDatabaseOptions(IServiceProvider services) =>
        services.GetService<DatabaseOptions>()
        ?? throw new InvalidOperationException(
            "DatabaseOptions is not registered: the host registers DatabaseOptions.FromConfiguration(configuration, contentRoot) as a singleton before modules add their databases.");
}
