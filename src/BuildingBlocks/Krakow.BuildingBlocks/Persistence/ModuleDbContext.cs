using Krakow.BuildingBlocks.Contracts.Events;
using Krakow.BuildingBlocks.Messaging.Outbox;
using Krakow.BuildingBlocks.Persistence.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// The base of every module's DbContext. A module owns its data: its tables live in the PostgreSQL schema
/// <see cref="Schema"/>, or carry the table prefix <c>&lt;Schema&gt;_</c> in SQLite, inside the one database all
/// modules share. The base names tables and columns (snake_case, schema or prefix) and maps the module's outbox,
/// so a module describes only its own entities in <see cref="ConfigureModel"/>.
/// </summary>
/// <remarks>
/// The database itself is built by SQL migration scripts (see <see cref="ModuleDatabaseServiceCollectionExtensions"/>),
/// never by <c>EnsureCreated</c>; the model must agree with them.
/// </remarks>
public abstract class ModuleDbContext : DbContext
{
    protected ModuleDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>
    /// The module's schema, for example <c>metropolis</c>: PostgreSQL schema <c>metropolis</c>, SQLite table prefix
    /// <c>metropolis_</c>. Lowercase letters, digits and underscores; constant for a context type.
    /// </summary>
    public abstract string Schema { get; }

    /// <summary>The module's outbox: integration events published with its changes.</summary>
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    /// <summary>True from <see cref="Publish"/> until the outbox rows are seen to commit (or roll back).</summary>
    internal bool HasUnannouncedOutboxRows { get; set; }

    /// <summary>
    /// Adds <paramref name="integrationEvent"/> to the outbox. It is saved by the next SaveChanges, in the same
    /// transaction as the entity changes made with it, so it exists exactly when they do; after the commit the
    /// module's dispatcher delivers it to every handler registered for its type.
    /// </summary>
    public void Publish(IntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        OutboxMessages.Add(OutboxMessage.From(integrationEvent));
        HasUnannouncedOutboxRows = true;
    }

    /// <summary>Configures the module's own entities; the base adds naming and the outbox afterwards.</summary>
    protected abstract void ConfigureModel(ModelBuilder modelBuilder);

    /// <summary>The provider this context talks to, from the EF Core provider in use.</summary>
    internal DatabaseProvider Provider =>
        Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL" ? DatabaseProvider.PostgreSql : DatabaseProvider.Sqlite;

    protected sealed override void OnModelCreating(ModelBuilder modelBuilder)
    {
        var schema = ModuleNaming.ValidateSchema(Schema, GetType());
        var provider = Provider;

        ConfigureModel(modelBuilder);
        MapOutbox(modelBuilder, provider);
        ApplyNaming(modelBuilder, schema, provider);
    }

    private static void MapOutbox(ModelBuilder modelBuilder, DatabaseProvider provider)
    {
        // Microsoft.Data.Sqlite reads DATETIME text back as DateTimeKind.Unspecified; every outbox time is UTC.
        ValueConverter<DateTime, DateTime>? utc = provider == DatabaseProvider.Sqlite
            ? new ValueConverter<DateTime, DateTime>(v => v, v => DateTime.SpecifyKind(v, DateTimeKind.Utc))
            : null;

        modelBuilder.Entity<OutboxMessage>(message =>
        {
            message.ToTable(ModuleNaming.OutboxMessagesTable);
            message.HasKey(m => m.Id);
            message.Property(m => m.Id).ValueGeneratedNever();
            message.Property(m => m.Type).IsRequired();
            var payload = message.Property(m => m.Payload).IsRequired();
            if (provider == DatabaseProvider.PostgreSql)
            {
                payload.HasColumnType("jsonb");
            }

            message.Property(m => m.OccurredAt).HasConversion(utc);
            message.Property(m => m.ProcessedAt).HasConversion(utc);
            message.Property(m => m.NextAttemptAt).HasConversion(utc);
            message.Property(m => m.Attempts);
            message.Property(m => m.LastError);
            message.Property(m => m.ClaimToken);
        });

        modelBuilder.Entity<OutboxDelivery>(delivery =>
        {
            delivery.ToTable(ModuleNaming.OutboxDeliveriesTable);
            delivery.HasKey(d => new { d.MessageId, d.Handler });
            delivery.Property(d => d.DeliveredAt).HasConversion(utc);
        });
    }

    /// <summary>
    /// Puts every table in the module's schema (PostgreSQL) or behind its prefix (SQLite) and makes table and
    /// column names snake_case.
    /// </summary>
    private static void ApplyNaming(ModelBuilder modelBuilder, string schema, DatabaseProvider provider)
    {
        var schemaName = provider == DatabaseProvider.PostgreSql ? schema : null;
        if (schemaName is not null)
        {
            modelBuilder.HasDefaultSchema(schemaName);
        }

        // Every name is read before any is changed: a column's default name depends on its table (an owned type's
        // columns in its owner's table are Address_Street, …), and types sharing a table must keep sharing it.
        var mappings = modelBuilder.Model.GetEntityTypes()
            .Where(entity => !entity.IsMappedToJson()) // stored inside its owner's JSON column
            .Select(entity =>
            {
                var store = StoreObjectIdentifier.Create(entity, StoreObjectType.Table) ?? StoreObjectIdentifier.Create(entity, StoreObjectType.View);
                var columns = store is { } storeObject
                    ? entity.GetDeclaredProperties().Select(p => (Property: p, Column: p.GetColumnName(storeObject))).ToList()
                    : [];
                return (Entity: entity, Table: entity.GetTableName(), View: entity.GetViewName(), Columns: columns);
            })
            .ToList();
        var originalTables = mappings.ToDictionary(m => (IReadOnlyEntityType)m.Entity, m => m.Table);
        var originalViews = mappings.ToDictionary(m => (IReadOnlyEntityType)m.Entity, m => m.View);

        foreach (var (entity, table, view, columns) in mappings)
        {
            // A derived type in a TPH hierarchy shares its base's table; naming it would turn the mapping into TPT.
            var sharesBaseTable = entity.BaseType is not null && originalTables.GetValueOrDefault(entity.BaseType) == table;
            if (table is not null && !sharesBaseTable)
            {
                entity.SetTableName(ModuleNaming.TableName(schema, provider, table));
                entity.SetSchema(schemaName);
            }

            var sharesBaseView = entity.BaseType is not null && originalViews.GetValueOrDefault(entity.BaseType) == view;
            if (view is not null && !sharesBaseView)
            {
                entity.SetViewName(ModuleNaming.TableName(schema, provider, view));
                entity.SetViewSchema(schemaName);
            }

            foreach (var (property, column) in columns)
            {
                if (!string.IsNullOrEmpty(column))
                {
                    property.SetColumnName(ModuleNaming.ToSnakeCase(column));
                }
            }
        }
    }
}
