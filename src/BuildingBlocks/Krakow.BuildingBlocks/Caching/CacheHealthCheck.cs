using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// Reports the distributed cache: Healthy when the in-memory cache is used or Redis answers; Degraded, with the
/// reason, while Redis is unavailable or its missed invalidations are not yet replayed. Never Unhealthy: the host
/// keeps serving from the database without a cache, so it stays ready (tagged "ready", shown by /readyz).
/// </summary>
/// <remarks>/readyz is anonymous: a failure is named by its kind only; its message (host names, ports) is in the log.</remarks>
public sealed class CacheHealthCheck(ResilientDistributedCache cache) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        CacheStatus status;
        try
        {
            status = await cache.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Degraded($"{cache.Backend} cache state unknown ({e.GetType().Name})", e);
        }

        var data = new Dictionary<string, object>
        {
            ["backend"] = status.Backend,
            ["degraded"] = status.IsDegraded,
        };

        if (!status.IsDegraded)
        {
            return HealthCheckResult.Healthy($"{status.Backend} cache available", data);
        }

        data["since"] = status.DegradedSince?.ToString("O") ?? "";
        data["pendingInvalidations"] = status.PendingInvalidations;
        data["flushPending"] = status.FlushPending;
        return HealthCheckResult.Degraded(
            $"{status.Backend} cache unavailable since {status.DegradedSince:O}, serving without cache ({status.ReasonKind})",
            data: data);
    }
}
