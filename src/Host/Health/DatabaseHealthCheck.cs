using System.Data.Common;
using Krakow.BuildingBlocks.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Krakow.Host.Health;

/// <summary>Ready when the platform's database (shared by every module, each in its own schema) answers a query.</summary>
internal sealed class DatabaseHealthCheck(DatabaseOptions database) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using DbConnection connection = database.Provider == DatabaseProvider.PostgreSql
                ? new NpgsqlConnection(database.ConnectionString)
                : new SqliteConnection(database.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{database.Provider} answers");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // /readyz is anonymous: the message (host names, ports) goes to the log with the exception, not the report.
            // Any failure, not only DbException: an exception escaping a check would put its message in the report.
            return HealthCheckResult.Unhealthy($"{database.Provider} does not answer", ex);
        }
    }
}
