using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>
/// SQLite: each script's transaction starts with BEGIN IMMEDIATE, which takes the database's write lock at once;
/// a host starting at the same moment waits for it (busy timeout) and then finds the script in the history.
/// The database is switched to WAL, so readers are not blocked by the dispatcher's or a request's writes.
/// Foreign keys are off on the migration connection (SQLite's way of rebuilding a table needs that) and checked
/// with <c>PRAGMA foreign_key_check</c> before each script commits.
/// </summary>
internal sealed class SqliteMigrationRunner(string connectionString, ILogger logger) : MigrationRunner(logger)
{
    private static readonly TimeSpan BusyTimeout = TimeSpan.FromMinutes(5);

    protected override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            ForeignKeys = false,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await ExecuteAsync(connection, null, $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}", cancellationToken);
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL", cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override Task AcquireLockAsync(DbConnection connection, string schema, CancellationToken cancellationToken) => Task.CompletedTask;

    protected override Task ReleaseLockAsync(DbConnection connection, string schema) => Task.CompletedTask;

    protected override async Task EnsureHistoryTableAsync(DbConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var transaction = await BeginScriptTransactionAsync(connection, schema, cancellationToken);
        await ExecuteAsync(connection, transaction, PlatformScripts.CreateHistoryTable(Provider, schema), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    protected override Task<DbTransaction> BeginScriptTransactionAsync(DbConnection connection, string schema, CancellationToken cancellationToken) =>
        // deferred: false is BEGIN IMMEDIATE: the write lock is taken now, not at the first write.
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: false));

    protected override async Task AfterScriptAsync(
        DbConnection connection, DbTransaction transaction, ModuleMigrationPlan plan, MigrationScript script, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, "PRAGMA foreign_key_check");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            throw new DatabaseMigrationException(
                $"Migration {script.Name} of module {plan.Schema} ({plan.ContextName}, Sqlite) left rows in table {reader.GetString(0)} " +
                $"whose foreign key points at no row of {reader.GetString(2)}; it was rolled back.");
        }
    }

    protected override void AddAppliedAtParameter(DbCommand command) =>
        AddParameter(command, "applied_at", DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture));
}
