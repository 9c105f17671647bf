using System.Data.Common;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>What to apply to one module: the platform's scripts, then the module's, each in id order.</summary>
internal sealed record ModuleMigrationPlan(string ContextName, string Schema, IReadOnlyList<MigrationScript> Scripts);

/// <summary>
/// Brings one module's tables up to date. Each pending script runs in its own transaction together with its
/// history row, so a script is either applied and recorded or neither. Inside that transaction the history is read
/// again, so a script another host applied meanwhile is skipped, not applied twice. The provider decides how hosts
/// that start together take turns (PostgreSQL: an advisory lock per schema; SQLite: BEGIN IMMEDIATE).
/// </summary>
internal abstract class MigrationRunner(ILogger logger)
{
    protected abstract DatabaseProvider Provider { get; }

    public async Task MigrateAsync(ModuleMigrationPlan plan, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await AcquireLockAsync(connection, plan.Schema, cancellationToken);
        try
        {
            await EnsureHistoryTableAsync(connection, plan.Schema, cancellationToken);

            var applied = await ReadHistoryAsync(connection, null, plan.Schema, cancellationToken);
            Verify(plan, applied);

            var pending = plan.Scripts.Where(s => !applied.ContainsKey(s.Id)).ToList();
            if (pending.Count == 0)
            {
                logger.LogDebug("Module {Schema} ({Context}) is up to date: {Count} migrations applied", plan.Schema, plan.ContextName, applied.Count);
                return;
            }

            foreach (var script in pending)
            {
                await ApplyAsync(connection, plan, script, cancellationToken);
            }
        }
        finally
        {
            await ReleaseLockAsync(connection, plan.Schema);
        }
    }

    private async Task ApplyAsync(DbConnection connection, ModuleMigrationPlan plan, MigrationScript script, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var transaction = await BeginScriptTransactionAsync(connection, plan.Schema, cancellationToken);

        var appliedMeanwhile = await ReadHistoryAsync(connection, transaction, plan.Schema, cancellationToken);
        if (appliedMeanwhile.TryGetValue(script.Id, out var row))
        {
            if (row.Checksum != script.Checksum)
            {
                throw ChangedScript(plan, script, row);
            }

            logger.LogInformation("Migration {Script} of module {Schema} was applied by another host meanwhile", script.Name, plan.Schema);
            return; // disposing the transaction rolls it back; it changed nothing
        }

        try
        {
            await using (var command = CreateCommand(connection, transaction, script.Sql))
            {
                command.CommandTimeout = 0; // a data migration may take long; start-up cancellation still applies
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await AfterScriptAsync(connection, transaction, plan, script, cancellationToken);
        }
        catch (DbException ex)
        {
            throw new DatabaseMigrationException(
                DatabaseConfigurationException.OneLine(
                    $"Migration {script.Name} of module {plan.Schema} ({plan.ContextName}, {Provider}) failed and was rolled back: {ex.Message}"),
                ex);
        }

        await using (var insert = CreateCommand(connection, transaction, InsertHistorySql(plan.Schema)))
        {
            AddParameter(insert, "id", script.Id);
            AddParameter(insert, "name", script.Name);
            AddParameter(insert, "checksum", script.Checksum);
            AddAppliedAtParameter(insert);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation(
            "Applied migration {Script} to module {Schema} ({Provider}) in {Elapsed} ms",
            script.Name, plan.Schema, Provider, stopwatch.ElapsedMilliseconds);
    }

    private void Verify(ModuleMigrationPlan plan, IReadOnlyDictionary<int, AppliedMigration> applied)
    {
        foreach (var script in plan.Scripts)
        {
            if (applied.TryGetValue(script.Id, out var row) && row.Checksum != script.Checksum)
            {
                throw ChangedScript(plan, script, row);
            }
        }

        var known = plan.Scripts.Select(s => s.Id).ToHashSet();
        foreach (var row in applied.Values.Where(r => !known.Contains(r.Id)))
        {
            // A newer build applied it (rolling deployment) or a script was deleted; either way, nothing to undo here.
            logger.LogWarning(
                "Module {Schema} has migration {Script} applied that this build does not know; continuing",
                plan.Schema, row.Name);
        }
    }

    private DatabaseMigrationException ChangedScript(ModuleMigrationPlan plan, MigrationScript script, AppliedMigration row) =>
        new($"Migration {script.Name} of module {plan.Schema} ({plan.ContextName}, {Provider}) was changed after it was applied " +
            $"(applied checksum {row.Checksum[..12]}…, script now {script.Checksum[..12]}…). " +
            "Applied scripts must never be edited: restore it and put the change in a new script with the next number.");

    private async Task<Dictionary<int, AppliedMigration>> ReadHistoryAsync(
        DbConnection connection, DbTransaction? transaction, string schema, CancellationToken cancellationToken)
    {
        var rows = new Dictionary<int, AppliedMigration>();
        await using var command = CreateCommand(
            connection, transaction, $"SELECT id, name, checksum FROM {PlatformScripts.QuotedHistoryTable(Provider, schema)}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var row = new AppliedMigration(Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2));
            rows[row.Id] = row;
        }

        return rows;
    }

    private string InsertHistorySql(string schema) =>
        $"INSERT INTO {PlatformScripts.QuotedHistoryTable(Provider, schema)} (id, name, checksum, applied_at) VALUES (@id, @name, @checksum, @applied_at)";

    protected static DbCommand CreateCommand(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    protected static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    protected static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Held while the module's history is read and its scripts applied; no-op where transactions suffice.</summary>
    protected abstract Task AcquireLockAsync(DbConnection connection, string schema, CancellationToken cancellationToken);

    protected abstract Task ReleaseLockAsync(DbConnection connection, string schema);

    protected abstract Task EnsureHistoryTableAsync(DbConnection connection, string schema, CancellationToken cancellationToken);

    protected abstract Task<DbTransaction> BeginScriptTransactionAsync(DbConnection connection, string schema, CancellationToken cancellationToken);

    /// <summary>Checks made before the script's transaction commits.</summary>
    protected virtual Task AfterScriptAsync(
        DbConnection connection, DbTransaction transaction, ModuleMigrationPlan plan, MigrationScript script, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    protected abstract void AddAppliedAtParameter(DbCommand command);
}
