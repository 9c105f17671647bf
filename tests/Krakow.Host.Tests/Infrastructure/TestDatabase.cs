using Npgsql;

namespace Krakow.Host.Tests.Infrastructure;

public enum DatabaseKind
{
    Sqlite,
    PostgreSql,
}

/// <summary>A database of its own for one test host: a SQLite folder, or a fresh database on the test PostgreSQL server.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private const string PostgresVariable = "KRAKOW_TEST_POSTGRES";
    private readonly string? postgresAdmin;
    private readonly string? postgresName;

    private TestDatabase(IReadOnlyDictionary<string, string?> settings, string? dataDirectory, string? postgresAdmin, string? postgresName)
    {
        Settings = settings;
        DataDirectory = dataDirectory;
        this.postgresAdmin = postgresAdmin;
        this.postgresName = postgresName;
    }

    /// <summary>The configuration that points the host at this database.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; }

    public string? DataDirectory { get; }

    public static async Task<TestDatabase> CreateAsync(DatabaseKind kind)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            var folder = Directory.CreateTempSubdirectory("krakow-host-tests-").FullName;
            return new TestDatabase(new Dictionary<string, string?> { ["Platform:DataDirectory"] = folder }, folder, null, null);
        }

        var admin = Environment.GetEnvironmentVariable(PostgresVariable);
        if (string.IsNullOrWhiteSpace(admin))
        {
            throw new InvalidOperationException($"{PostgresVariable} is not set: run the tests with scripts/test.sh, which starts PostgreSQL.");
        }

        var name = "host_tests_" + Guid.NewGuid().ToString("N")[..12];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        return new TestDatabase(new Dictionary<string, string?> { ["ConnectionStrings:Platform"] = connectionString }, null, admin, name);
    }

    public async ValueTask DisposeAsync()
    {
        if (DataDirectory is not null)
        {
            Directory.Delete(DataDirectory, recursive: true);
        }

        if (postgresAdmin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(postgresAdmin);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {postgresName} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
