using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Tests.Infrastructure;
using Krakow.BuildingBlocks.Tests.Persistence.TestModule;
using Krakow.BuildingBlocks.Tests.Persistence.Testing;
using Microsoft.EntityFrameworkCore;
using Shouldly;
using Xunit.Abstractions;

namespace Krakow.BuildingBlocks.Tests.Persistence;

/// <summary>The migration runner on SQLite and on PostgreSQL: the same tests, each on a fresh database.</summary>
public abstract class MigrationTests(ITestDatabaseServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Schema = TestDbContext.SchemaName;

    private TestDatabase? _database;

    protected TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    private string History => Database.Table(Schema, "__migrations");

    private string ScriptRuns => Database.Table(Schema, "script_runs");

    [Fact]
    public async Task Applies_the_outbox_tables_then_the_module_scripts_in_order_and_records_each()
    {
        await using var platform = TestPlatform.Create(Database, output);
        await platform.MigrateAsync();

        var history = await Database.QueryAsync($"SELECT id, name, checksum, applied_at FROM {History} ORDER BY applied_at, id");
        history.Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe([-1, 1, 2]);
        history.Select(r => (string)r[1]!).ShouldBe(["platform/0001_outbox.sql", "0001_create_items.sql", "0002_add_item_notes.sql"]);
        history.ShouldAllBe(r => ((string)r[2]!).Length == 64 && r[3] != null);

        var runs = await Database.QueryAsync($"SELECT script FROM {ScriptRuns}");
        runs.Select(r => (string)r[0]!).ShouldBe(["0001", "0002"]);

        // The model agrees with the tables: entities and outbox rows round-trip through EF Core.
        var item = new Item { Name = "Wawel", Notes = "hill" };
        await platform.InScopeAsync(async db =>
        {
            db.Items.Add(item);
            db.Publish(new ItemCreated(item.Id, item.Name));
            await db.SaveChangesAsync();
        });
        var read = await platform.InScopeAsync(db => db.Items.SingleAsync());
        read.Notes.ShouldBe("hill");
        (await Database.CountAsync($"FROM {Database.Table(Schema, "outbox_messages")}")).ShouldBe(1);
    }

    [Fact]
    public async Task Running_again_changes_nothing()
    {
        await using (var first = TestPlatform.Create(Database, output, "first"))
        {
            await first.MigrateAsync();
        }

        var before = await Database.QueryAsync($"SELECT id, checksum, applied_at FROM {History} ORDER BY id");

        await using (var second = TestPlatform.Create(Database, output, "second"))
        {
            await second.MigrateAsync();
            await second.MigrateAsync();
        }

        var after = await Database.QueryAsync($"SELECT id, checksum, applied_at FROM {History} ORDER BY id");
        after.Count.ShouldBe(3);
        after.ShouldBe(before);
        (await Database.CountAsync($"FROM {ScriptRuns}")).ShouldBe(2);
    }

    [Fact]
    public async Task Upgrading_a_database_of_an_earlier_release_keeps_its_rows()
    {
        var wawel = Guid.NewGuid();
        var sukiennice = Guid.NewGuid();
        await using (var earlier = TestPlatform.Create(Database, output, "v1", migrationsFolder: "TestModuleV1"))
        {
            await earlier.MigrateAsync();
        }

        (await Database.QueryAsync($"SELECT name FROM {History} ORDER BY id")).Select(r => (string)r[0]!)
            .ShouldBe(["platform/0001_outbox.sql", "0001_create_items.sql"]);
        await Database.ExecuteAsync(
            $"INSERT INTO {Database.Table(Schema, "items")} (id, name) VALUES ({Literal(wawel)}, 'Wawel'), ({Literal(sukiennice)}, 'Sukiennice')");

        await using var current = TestPlatform.Create(Database, output, "v2");
        await current.MigrateAsync();

        (await Database.QueryAsync($"SELECT name FROM {History} ORDER BY id")).Select(r => (string)r[0]!)
            .ShouldBe(["platform/0001_outbox.sql", "0001_create_items.sql", "0002_add_item_notes.sql"]);
        var items = await current.InScopeAsync(db => db.Items.OrderBy(i => i.Name).ToListAsync());
        items.Select(i => (i.Id, i.Name, i.Notes)).ShouldBe([(sukiennice, "Sukiennice", null), (wawel, "Wawel", null)]);
    }

    [Fact]
    public async Task An_applied_script_that_was_edited_stops_start_up()
    {
        await using (var released = TestPlatform.Create(Database, output, "released"))
        {
            await released.MigrateAsync();
        }

        await using var edited = TestPlatform.Create(Database, output, "edited", migrationsFolder: "TestModuleTampered");
        var error = await Should.ThrowAsync<DatabaseMigrationException>(edited.MigrateAsync());

        error.Message.ShouldContain("0001_create_items.sql");
        error.Message.ShouldContain("module testmodule");
        error.Message.ShouldContain("was changed after it was applied");
        error.Message.ShouldContain("new script");
        (await Database.CountAsync($"FROM {History}")).ShouldBe(3);
    }

    [Fact]
    public async Task A_failing_script_is_rolled_back_with_its_history_row()
    {
        await using var platform = TestPlatform.Create(Database, output, migrationsFolder: "TestModuleBroken");
        var error = await Should.ThrowAsync<DatabaseMigrationException>(platform.MigrateAsync());

        error.Message.ShouldContain("0001_create_items.sql");
        error.Message.ShouldContain("rolled back");
        error.Message.ShouldNotContain("\n");
        // The platform's script went through; the broken one left nothing behind, not even its first statements.
        (await Database.QueryAsync($"SELECT name FROM {History}")).Select(r => (string)r[0]!).ShouldBe(["platform/0001_outbox.sql"]);
        var itemsTables = Database.Provider == DatabaseProvider.PostgreSql
            ? await Database.CountAsync("FROM information_schema.tables WHERE table_schema = 'testmodule' AND table_name = 'items'")
            : await Database.CountAsync("FROM sqlite_master WHERE type = 'table' AND name = 'testmodule_items'");
        itemsTables.ShouldBe(0);
    }

    [Fact]
    public async Task Hosts_starting_together_both_succeed_and_each_script_runs_once()
    {
        var hosts = Enumerable.Range(1, 4).Select(i => TestPlatform.Create(Database, output, $"host{i}")).ToList();
        try
        {
            // Hold what the runner takes turns on, so all four are surely waiting at once, then let them race.
            Task migrations;
            await using (await HoldMigrationTurnAsync())
            {
                migrations = Task.WhenAll(hosts.Select(h => Task.Run(h.MigrateAsync)));
                await Task.Delay(300);
                migrations.IsCompleted.ShouldBeFalse("the migrations should be waiting for their turn");
            }

            await migrations;
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.DisposeAsync();
            }
        }

        (await Database.QueryAsync($"SELECT id FROM {History} ORDER BY id"))
            .Select(r => Convert.ToInt32(r[0], System.Globalization.CultureInfo.InvariantCulture)).ShouldBe([-1, 1, 2]);
        (await Database.QueryAsync($"SELECT script FROM {ScriptRuns}")).Select(r => (string)r[0]!).ShouldBe(["0001", "0002"]);
    }

    /// <summary>PostgreSQL: the module's advisory lock; SQLite: the database's write lock (BEGIN IMMEDIATE).</summary>
    private async Task<IAsyncDisposable> HoldMigrationTurnAsync()
    {
        var connection = Database.OpenConnection();
        await using var command = connection.CreateCommand();
        if (Database.Provider == DatabaseProvider.PostgreSql)
        {
            var key = Krakow.BuildingBlocks.Persistence.Migrations.PostgreSqlMigrationRunner.LockKey(Schema);
            command.CommandText = $"SELECT pg_advisory_lock({key})";
            await command.ExecuteNonQueryAsync();
            return new Turn(connection, $"SELECT pg_advisory_unlock({key})");
        }

        command.CommandText = "BEGIN IMMEDIATE";
        await command.ExecuteNonQueryAsync();
        return new Turn(connection, "COMMIT");
    }

    private sealed class Turn(System.Data.Common.DbConnection connection, string releaseSql) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = releaseSql;
                await command.ExecuteNonQueryAsync();
            }

            await connection.DisposeAsync();
        }
    }

    private string Literal(Guid id) =>
        // EF Core's SQLite provider stores a Guid as uppercase text.
        Database.Provider == DatabaseProvider.PostgreSql ? $"'{id}'" : $"'{id.ToString().ToUpperInvariant()}'";
}

public sealed class SqliteMigrationTests(ITestOutputHelper output) : MigrationTests(new SqliteTestDatabaseServer(), output);

public sealed class PostgresMigrationTests(PostgresServerFixture server, ITestOutputHelper output)
    : MigrationTests(server, output), IClassFixture<PostgresServerFixture>;
