using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>
/// PostgreSQL: hosts starting together take turns on a session-level advisory lock per module schema; the
/// migration connection is not pooled, so the lock can never outlive it. Scripts run with
/// <c>search_path</c> set to the module's schema, so unqualified names land there.
/// </summary>
internal sealed class PostgreSqlMigrationRunner(string connectionString, ILogger logger) : MigrationRunner(logger)
{
    protected override DatabaseProvider Provider => DatabaseProvider.PostgreSql;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task AcquireLockAsync(DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, null, "SELECT pg_advisory_lock(@key)");
        command.CommandTimeout = 0; // wait as long as another host's migrations take
        AddParameter(command, "key", LockKey(schema));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task ReleaseLockAsync(DbConnection connection, string schema)
    {
        if (connection.State != System.Data.ConnectionState.Open)
        {
            return; // the session ended, and its lock with it
        }

        await using var command = CreateCommand(connection, null, "SELECT pg_advisory_unlock(@key)");
        AddParameter(command, "key", LockKey(schema));
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    protected override async Task EnsureHistoryTableAsync(DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        // Create the schema only when missing: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the
        // database even when the schema is there, and a production role may own only its schemas.
        await using (var exists = CreateCommand(connection, null, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @schema)"))
        {
            AddParameter(exists, "schema", schema);
            if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
            {
                await ExecuteAsync(connection, null, $"CREATE SCHEMA \"{schema}\"", cancellationToken);
            }
        }

        await ExecuteAsync(connection, null, PlatformScripts.CreateHistoryTable(Provider, schema), cancellationToken);
    }

    protected override async Task<DbTransaction> BeginScriptTransactionAsync(DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(connection, transaction, $"SET LOCAL search_path TO \"{schema}\", public", cancellationToken);
        return transaction;
    }

    protected override void AddAppliedAtParameter(DbCommand command) => AddParameter(command, "applied_at", DateTime.UtcNow);

    /// <summary>A stable 64-bit advisory lock key per module schema.</summary>
    internal static long LockKey(string schema) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("krakow.migrations/" + schema)));
}
