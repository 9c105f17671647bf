using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Persistence.Internal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.BuildingBlocks.Tests.Persistence;

/// <summary>The names the base gives a module's tables and columns, read from the model EF Core builds.</summary>
public sealed class ModuleNamingTests
{
    [Theory]
    [InlineData("OccurredAt", "occurred_at")]
    [InlineData("Id", "id")]
    [InlineData("TerytCode", "teryt_code")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("Address_PostalCode", "address_postal_code")]
    [InlineData("Item2Name", "item2_name")]
    [InlineData("already_snake", "already_snake")]
    public void Snake_case(string name, string expected) => ModuleNaming.ToSnakeCase(name).ShouldBe(expected);

    [Fact]
    public void SQLite_prefixes_every_table_with_the_schema()
    {
        Tables(DatabaseProvider.Sqlite, "Data Source=:memory:").ShouldBe(
        [
            "naming_forum_speakers(forum_id,speaker_name)",
            "naming_forums(address_postal_code,address_street,id,teryt_code,title)",
            "naming_outbox_deliveries(delivered_at,handler,message_id)",
            "naming_outbox_messages(attempts,claim_token,id,last_error,next_attempt_at,occurred_at,payload,processed_at,type)",
            "naming_sessions(capacity,discriminator,forum_id,id,starts_at)",
        ]);
    }

    [Fact]
    public void PostgreSQL_puts_every_table_in_the_schema()
    {
        Tables(DatabaseProvider.PostgreSql, "Host=localhost;Database=unused").ShouldBe(
        [
            "naming.forum_speakers(forum_id,speaker_name)",
            "naming.forums(address_postal_code,address_street,id,teryt_code,title)",
            "naming.outbox_deliveries(delivered_at,handler,message_id)",
            "naming.outbox_messages(attempts,claim_token,id,last_error,next_attempt_at,occurred_at,payload,processed_at,type)",
            "naming.sessions(capacity,discriminator,forum_id,id,starts_at)",
        ]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Metropolis")]
    [InlineData("open-city")]
    [InlineData("1forum")]
    public void A_schema_that_is_not_a_lowercase_identifier_is_refused(string schema)
    {
        using var provider = Services(DatabaseProvider.Sqlite, "Data Source=:memory:");
        using var scope = provider.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<NamingDbContext>();
        context.SchemaOverride = schema;

        Should.Throw<InvalidOperationException>(() => context.Model).Message.ShouldContain("NamingDbContext.Schema is");
    }

    private static List<string> Tables(DatabaseProvider providerKind, string connectionString)
    {
        using var provider = Services(providerKind, connectionString);
        using var scope = provider.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<NamingDbContext>();
        return context.Model.GetRelationalModel().Tables
            .Select(t => $"{(t.Schema is null ? "" : t.Schema + ".")}{t.Name}({string.Join(",", t.Columns.Select(c => c.Name).Order(StringComparer.Ordinal))})")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static ServiceProvider Services(DatabaseProvider provider, string connectionString)
    {
        var services = new ServiceCollection();
        services.AddSingleton(new DatabaseOptions { Provider = provider, ConnectionString = connectionString });
        services.AddModuleDatabase<NamingDbContext>();
        return services.BuildServiceProvider();
    }
}

/// <summary>A model with the shapes whose naming is easy to get wrong: owned types, TPH, an explicit table name.</summary>
public sealed class NamingDbContext(DbContextOptions<NamingDbContext> options) : ModuleDbContext(options)
{
    public string SchemaOverride { get; set; } = "naming";

    public override string Schema => SchemaOverride;

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Forum>(forum =>
        {
            forum.ToTable("Forums");
            forum.OwnsOne(f => f.Address);
            forum.OwnsMany(f => f.Speakers, speaker =>
            {
                speaker.ToTable("ForumSpeakers");
                speaker.WithOwner().HasForeignKey("ForumId");
                speaker.HasKey("ForumId", nameof(Speaker.SpeakerName));
            });
        });
        modelBuilder.Entity<Session>().ToTable("Sessions");
        modelBuilder.Entity<Workshop>();
        modelBuilder.Entity<Plenary>();
    }
}

public sealed class Forum
{
    public Guid Id { get; set; }

    public string Title { get; set; } = "";

    public string TerytCode { get; set; } = "";

    public Address Address { get; set; } = new();

    public List<Speaker> Speakers { get; set; } = [];
}

public sealed class Address
{
    public string Street { get; set; } = "";

    public string PostalCode { get; set; } = "";
}

public sealed class Speaker
{
    public string SpeakerName { get; set; } = "";
}

public abstract class Session
{
    public Guid Id { get; set; }

    public Guid ForumId { get; set; }

    public DateTime StartsAt { get; set; }
}

public sealed class Workshop : Session
{
    public int Capacity { get; set; }
}

public sealed class Plenary : Session;
