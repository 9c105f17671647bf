using System.Data.Common;
using Krakow.BuildingBlocks.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Krakow.BuildingBlocks.Tests.Persistence.Testing;

/// <summary>Where a test class gets its databases: SQLite files or a PostgreSQL server.</summary>
public interface ITestDatabaseServer
{
    DatabaseProvider Provider { get; }

    /// <summary>A new, empty database, dropped when the returned object is disposed.</summary>
    Task<TestDatabase> CreateDatabaseAsync();
}

/// <summary>One empty database for one test.</summary>
public sealed class TestDatabase(DatabaseOptions options, Func<ValueTask> drop) : IAsyncDisposable
{
    public DatabaseOptions Options { get; } = options;

    public DatabaseProvider Provider => Options.Provider;

    /// <summary>A module table's name as SQL: <c>"testmodule"."items"</c> or <c>"testmodule_items"</c>.</summary>
    public string Table(string schema, string table) =>
        Provider == DatabaseProvider.PostgreSql ? $"\"{schema}\".\"{table}\"" : $"\"{schema}_{table}\"";

    public DbConnection OpenConnection()
    {
        DbConnection connection = Provider == DatabaseProvider.PostgreSql
            ? new NpgsqlConnection(Options.ConnectionString)
            : new SqliteConnection(Options.ConnectionString);
        connection.Open();
        return connection;
    }

    public async Task<long> CountAsync(string sqlFromWhere)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) " + sqlFromWhere;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = OpenConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public ValueTask DisposeAsync() => drop();
}

/// <summary>Each database a new file in its own temporary folder.</summary>
public sealed class SqliteTestDatabaseServer : ITestDatabaseServer
{
    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public Task<TestDatabase> CreateDatabaseAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "krakow-tests", "sqlite-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        var options = new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = DatabaseOptions.SqliteConnectionStringFor(Path.Combine(folder, DatabaseOptions.SqliteFileName)),
        };
        return Task.FromResult(new TestDatabase(options, () =>
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // a connection still open somewhere; the temp folder is cleaned eventually
            }

            return ValueTask.CompletedTask;
        }));
    }
}
