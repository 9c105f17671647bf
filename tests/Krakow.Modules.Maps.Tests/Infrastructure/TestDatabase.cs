using Npgsql;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>A database of its own for one test host: a fresh SQLite folder, or a fresh database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    /// <summary>An Npgsql connection string of a role that may create databases (scripts/start-test-services.sh prints it).</summary>
    public const string PostgresVariable = "KRAKOW_TEST_POSTGRES";

    private readonly string? adminConnectionString;
    private readonly string? databaseName;

    private TestDatabase(IReadOnlyDictionary<string, string?> settings, string folder, string? adminConnectionString, string? databaseName)
    {
        Settings = settings;
        Folder = folder;
        this.adminConnectionString = adminConnectionString;
        this.databaseName = databaseName;
    }

    /// <summary>Configuration pointing the host at the database (and, on both providers, at a private data folder).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    /// <summary>The host's data folder: the SQLite file and the offer images.</summary>
    public string Folder { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        var folder = Directory.CreateTempSubdirectory("krakow-maps-tests-").FullName;
        var settings = new Dictionary<string, string?> { ["Platform:DataDirectory"] = folder };
        if (kind == DatabaseKind.Sqlite)
        {
            return new TestDatabase(settings, folder, null, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException($"{PostgresVariable} is not set: eval \"$(bash scripts/start-test-services.sh)\" first (scripts/test.sh does).");
        }

        var name = "maps_tests_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        settings["ConnectionStrings:Platform"] = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(settings, folder, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        if (adminConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(adminConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
