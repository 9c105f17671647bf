using Krakow.BuildingBlocks.Contracts.Events;
using Krakow.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Krakow.BuildingBlocks.Tests.Persistence.TestModule;

/// <summary>A module's DbContext as a module writes one: its schema, its entities, nothing about outbox or naming.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : ModuleDbContext(options)
{
    public const string SchemaName = "testmodule";

    public override string Schema => SchemaName;

    public DbSet<Item> Items => Set<Item>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Item>(item =>
        {
            item.HasKey(i => i.Id);
            item.Property(i => i.Id).ValueGeneratedNever();
            item.Property(i => i.Name).IsRequired();
        });
    }
}

public sealed class Item
{
    public Guid Id { get; set; } = Guid.NewGuid();

    public string Name { get; set; } = "";

    public string? Notes { get; set; }
}

/// <summary>An integration event as a module's Contracts declare one.</summary>
public sealed record ItemCreated(Guid ItemId, string Name) : IntegrationEvent;

/// <summary>An event nobody handles.</summary>
public sealed record ItemArchived(Guid ItemId) : IntegrationEvent;
