using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.AspNetCore.HealthChecks.Internal;

/// <summary>
/// Turns ASP.NET Core health checks into gRPC serving statuses, by the rule documented on
/// <see cref="GrpcHealthChecksOptions"/>. Registrations are read on every use, so checks added later count.
/// </summary>
internal sealed class HealthCheckStatusSource(
    HealthCheckService healthChecks,
    IOptions<HealthCheckServiceOptions> healthCheckOptions,
    IOptions<GrpcHealthChecksOptions> options)
{
    public bool UseCache => options.Value.UseHealthChecksCache;

    public bool CompleteWatchesOnShutdown => !options.Value.SuppressCompletionOnShutdown;

    private ICollection<HealthCheckRegistration> Registrations => healthCheckOptions.Value.Registrations;

    public bool IsKnown(string service) => FindPredicate(service) is not null;

    /// <summary>Every service name the health checks know now.</summary>
    public IReadOnlyCollection<string> KnownServices()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var mapping in options.Value.Services)
        {
            names.Add(mapping.Name);
        }

        if (options.Value.MapServicesByTag)
        {
            var explicitNames = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);
            foreach (var tag in Registrations.SelectMany(r => r.Tags).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!explicitNames.Contains(tag))
                {
                    names.Add(tag);
                }
            }
        }

        return names;
    }

    /// <summary>Runs only the checks of <paramref name="service"/> now.</summary>
    public async Task<ServingStatus> EvaluateAsync(string service, CancellationToken cancellationToken)
    {
        var predicate = FindPredicate(service);
        if (predicate is null)
        {
            return ServingStatus.ServiceUnknown;
        }

        var report = await healthChecks.CheckHealthAsync(r => predicate(new HealthCheckMapContext(r.Name, r.Tags)), cancellationToken)
            .ConfigureAwait(false);
        return ToServingStatus(report.Entries.Values.Select(e => e.Status));
    }

    /// <summary>The status of every known service, from the latest result of each registered check.</summary>
    public IEnumerable<KeyValuePair<string, ServingStatus>> Compute(IReadOnlyDictionary<string, HealthReportEntry> latestEntries)
    {
        var registrations = Registrations.ToList();
        foreach (var service in KnownServices())
        {
            var predicate = FindPredicate(service);
            if (predicate is null)
            {
                continue;
            }

            var results = registrations
                .Where(r => predicate(new HealthCheckMapContext(r.Name, r.Tags)))
                .Select(r => latestEntries.TryGetValue(r.Name, out var entry) ? entry.Status : (HealthStatus?)null)
                .OfType<HealthStatus>();
            yield return new(service, ToServingStatus(results));
        }
    }

    /// <summary>The names of the checks registered now (to forget the results of removed ones).</summary>
    public IReadOnlySet<string> RegisteredCheckNames() => Registrations.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

    private static ServingStatus ToServingStatus(IEnumerable<HealthStatus> results) =>
        results.Any(s => s == HealthStatus.Unhealthy) ? ServingStatus.NotServing : ServingStatus.Serving;

    private Func<HealthCheckMapContext, bool>? FindPredicate(string service)
    {
        var current = options.Value;
        if (current.Services.TryGet(service, out var mapping))
        {
            return mapping.HealthCheckPredicate;
        }

        if (current.MapServicesByTag && service.Length > 0 && Registrations.Any(r => HasTag(r.Tags, service)))
        {
            return context => HasTag(context.Tags, service);
        }

        return null;
    }

    private static bool HasTag(IEnumerable<string> tags, string tag) => tags.Contains(tag, StringComparer.OrdinalIgnoreCase);
}
