using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Tests.Persistence.Testing;
using Npgsql;

namespace Krakow.BuildingBlocks.Tests.Infrastructure;

/// <summary>
/// The PostgreSQL server started by scripts/start-test-services.sh, named by the environment variable
/// KRAKOW_TEST_POSTGRES. Each test gets a database of its own (CREATE DATABASE, dropped afterwards), so tests and
/// test classes run in parallel without seeing each other. Without the variable every test using it fails, saying
/// how to start the server: these tests never skip silently.
/// </summary>
public sealed class PostgresServerFixture : ITestDatabaseServer
{
    public const string EnvironmentVariable = "KRAKOW_TEST_POSTGRES";

    private readonly string _adminConnectionString;

    public PostgresServerFixture()
    {
        var connectionString = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set, and these tests run against a real PostgreSQL server: run scripts/test.sh, " +
                "or start one with: eval \"$(bash scripts/start-test-services.sh)\"");
        }

        _adminConnectionString = connectionString;
    }

    public DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    public async Task<TestDatabase> CreateDatabaseAsync()
    {
        var name = "krakow_t_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE {name}");

        var connectionString = new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = name }.ConnectionString;
        var options = new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = connectionString };
        return new TestDatabase(options, async () =>
        {
            await using (var connection = new NpgsqlConnection(connectionString))
            {
                NpgsqlConnection.ClearPool(connection);
            }

            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    return;
                }
                catch (PostgresException) when (attempt < 5)
                {
                    await Task.Delay(200); // a backend of the database is still on its way out
                }
                catch (PostgresException)
                {
                    return; // a leftover database in a throwaway cluster harms nobody; failing the test for it would mislead
                }
            }
        });
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        try
        {
            await connection.OpenAsync();
        }
        catch (Exception ex) when (ex is NpgsqlException or System.Net.Sockets.SocketException)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL server named by {EnvironmentVariable} does not answer ({ex.Message}); run scripts/test.sh, " +
                "or start it with: eval \"$(bash scripts/start-test-services.sh)\"", ex);
        }

        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
