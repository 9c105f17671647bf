using System.Collections;

namespace Grpc.AspNetCore.HealthChecks;

/// <summary>How ASP.NET Core health checks become gRPC health statuses (see <c>AddGrpcHealthChecks</c>).</summary>
/// <remarks>
/// <para>The rule: a gRPC service name is known when it is mapped in <see cref="Services"/> or, with
/// <see cref="MapServicesByTag"/> (the default), when at least one registered health check carries it as a tag.
/// By default <see cref="Services"/> maps "" (the server as a whole) to every check; a tag-named service covers the
/// checks tagged with that name (tags compare without regard to case, as ASP.NET Core stores them); an explicit
/// mapping of a name wins over its tag rule.</para>
/// <para>A known service is SERVING when none of its checks is Unhealthy (Degraded still serves, and a service with
/// no checks at all serves) and NOT_SERVING otherwise. An unknown service makes Check fail with NOT_FOUND and Watch
/// report SERVICE_UNKNOWN.</para>
/// </remarks>
public sealed class GrpcHealthChecksOptions
{
    /// <summary>Service name → which health checks decide its status. Starts with "" → every check.</summary>
    public ServiceMappingCollection Services { get; } = CreateDefaultServices();

    /// <summary>Makes each health check tag a service of the checks tagged with it. Default true.</summary>
    public bool MapServicesByTag { get; set; } = true;

    /// <summary>
    /// When true, Check answers from the last result the periodic health check publisher computed (evaluating
    /// only when there is none yet) instead of running the service's checks on every call. Default false.
    /// Watch always streams the published results; configure their rhythm with <c>HealthCheckPublisherOptions</c>
    /// (Delay, Period).
    /// </summary>
    public bool UseHealthChecksCache { get; set; }

    /// <summary>
    /// When true, Watch calls stay open while the host stops (they still see NOT_SERVING). Default false: they end
    /// with OK, so that watchers do not hold the server's graceful shutdown open.
    /// </summary>
    public bool SuppressCompletionOnShutdown { get; set; }

    private static ServiceMappingCollection CreateDefaultServices()
    {
        var services = new ServiceMappingCollection();
        services.Map(string.Empty, _ => true);
        return services;
    }
}

/// <summary>The explicit service name → health check predicate mappings, one per name.</summary>
public sealed class ServiceMappingCollection : IEnumerable<ServiceMapping>
{
    private readonly Dictionary<string, ServiceMapping> mappings = new(StringComparer.Ordinal);

    /// <summary>Maps <paramref name="name"/> to the checks <paramref name="predicate"/> selects, replacing an earlier mapping of it.</summary>
    public void Map(string name, Func<HealthCheckMapContext, bool> predicate) => mappings[name] = new ServiceMapping(name, predicate);

    public bool Remove(string name) => mappings.Remove(name);

    public void Clear() => mappings.Clear();

    public bool TryGet(string name, out ServiceMapping mapping) => mappings.TryGetValue(name, out mapping!);

    public IEnumerator<ServiceMapping> GetEnumerator() => mappings.Values.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>A gRPC service name and the predicate choosing the health checks that decide its status.</summary>
public sealed class ServiceMapping
{
    public ServiceMapping(string name, Func<HealthCheckMapContext, bool> healthCheckPredicate)
    {
        Name = name ?? throw new ArgumentNullException(nameof(name));
        HealthCheckPredicate = healthCheckPredicate ?? throw new ArgumentNullException(nameof(healthCheckPredicate));
    }

    public string Name { get; }

    public Func<HealthCheckMapContext, bool> HealthCheckPredicate { get; }
}

/// <summary>What a mapping's predicate sees of a health check: its registered name and tags.</summary>
public sealed class HealthCheckMapContext(string name, IEnumerable<string> tags)
{
    public string Name { get; } = name;

    public IEnumerable<string> Tags { get; } = tags;
}
