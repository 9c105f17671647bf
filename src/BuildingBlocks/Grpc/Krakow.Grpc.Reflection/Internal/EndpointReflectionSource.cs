using System.Reflection;
using System.Runtime.CompilerServices;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Grpc.Reflection.Internal;

/// <summary>
/// Reads the services the server exposes right now from its endpoints, so services that plugins add or remove
/// at run time appear and disappear in reflection. Each gRPC method endpoint carries <see cref="GrpcMethodMetadata"/>;
/// a service's descriptor is the static <c>Descriptor</c> of the class its generated base names in
/// <see cref="BindServiceMethodAttribute"/>.
/// </summary>
internal sealed class EndpointReflectionSource(IServiceProvider services)
{
    // Weak keys: a cached plugin type never keeps its collectible load context alive.
    private readonly ConditionalWeakTable<Type, StrongBox<ServiceDescriptor?>> descriptors = [];

    public ReflectionSnapshot Snapshot()
    {
        // The composite of every endpoint data source (routing registers it), read on every snapshot: always the live set.
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var serviceTypes = new HashSet<Type>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<GrpcMethodMetadata>() is { } metadata && !string.IsNullOrEmpty(metadata.Method.ServiceName))
            {
                names.Add(metadata.Method.ServiceName);
                serviceTypes.Add(metadata.ServiceType);
            }
        }

        var found = serviceTypes
            .Select(type => descriptors.GetValue(type, t => new StrongBox<ServiceDescriptor?>(FindDescriptor(t))).Value)
            .OfType<ServiceDescriptor>()
            .Where(d => names.Contains(d.FullName))
            .DistinctBy(d => d.FullName, StringComparer.Ordinal)
            .ToList();
        return new ReflectionSnapshot(names.ToList(), found);
    }

    /// <summary>
    /// Walks the implementation's base types up to the generated base carrying <c>[BindServiceMethod]</c>. A service
    /// whose descriptor cannot be had (no such base, or a broken plugin assembly) is listed without files.
    /// </summary>
    internal static ServiceDescriptor? FindDescriptor(Type serviceType)
    {
        try
        {
            return FindGeneratedDescriptor(serviceType);
        }
        catch (Exception error) when (error is TypeLoadException or TypeInitializationException or FileNotFoundException or TargetInvocationException or BadImageFormatException)
        {
            return null;
        }
    }

    private static ServiceDescriptor? FindGeneratedDescriptor(Type serviceType)
    {
        for (var type = serviceType; type is not null; type = type.BaseType)
        {
            var bind = type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false);
            if (bind is null)
            {
                continue;
            }

            var property = bind.BindType.GetProperty("Descriptor", BindingFlags.Public | BindingFlags.Static);
            return property?.GetValue(null) as ServiceDescriptor;
        }

        return null;
    }
}
