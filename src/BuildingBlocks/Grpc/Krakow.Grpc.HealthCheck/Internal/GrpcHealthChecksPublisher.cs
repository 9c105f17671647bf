using Grpc.HealthCheck;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grpc.AspNetCore.HealthChecks.Internal;

/// <summary>
/// Receives the reports of ASP.NET Core's periodic health check publisher (one evaluation for the whole server,
/// every <c>HealthCheckPublisherOptions.Period</c>) and updates the gRPC statuses, which wakes the watchers whose
/// status changed. Checks with their own delay or period arrive in separate partial reports, so the latest result
/// of every check is kept and the statuses are computed over all of them.
/// </summary>
internal sealed class GrpcHealthChecksPublisher(HealthServiceImpl service, HealthCheckStatusSource source) : IHealthCheckPublisher
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, HealthReportEntry> latestEntries = new(StringComparer.Ordinal);
    private HashSet<string> publishedServices = new(StringComparer.Ordinal);

    public Task PublishAsync(HealthReport report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        lock (gate)
        {
            foreach (var (name, entry) in report.Entries)
            {
                latestEntries[name] = entry;
            }

            var registered = source.RegisteredCheckNames();
            foreach (var gone in latestEntries.Keys.Where(name => !registered.Contains(name)).ToList())
            {
                latestEntries.Remove(gone);
            }

            var published = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (name, status) in source.Compute(latestEntries))
            {
                service.SetStatusUnlessShuttingDown(name, status);
                published.Add(name);
            }

            foreach (var forgotten in publishedServices.Where(name => !published.Contains(name)))
            {
                service.ClearStatusUnlessShuttingDown(forgotten);
            }

            publishedServices = published;
        }

        return Task.CompletedTask;
    }
}
