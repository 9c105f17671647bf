using Krakow.Modules.Maps.Application.Search;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Krakow.Modules.Maps.Infrastructure.Search;

/// <summary>Ready once the listing index has been built from the database (searches wait for it until then).</summary>
internal sealed class SearchIndexHealthCheck(IListingIndex index) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(index.Current is { } snapshot
            ? HealthCheckResult.Healthy($"{snapshot.Count} listings indexed at feed sequence {snapshot.Position.Sequence}")
            : HealthCheckResult.Unhealthy("the listing index is being built from the database"));
}
