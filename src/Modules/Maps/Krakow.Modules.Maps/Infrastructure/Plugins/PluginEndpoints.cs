using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// The gRPC services of the loaded plugins, mapped on the host's endpoints (gRPC and gRPC-Web, as every service)
/// while their plugin is loaded. The registry calls <see cref="Swap"/> under its lock when a plugin comes, is
/// replaced or goes: the old plugin's services are unmapped and the new one's mapped in one change of the
/// endpoints, so a call finds either the old version or the new one, never none. Every call is counted on its
/// plugin's <see cref="PluginCallGate"/>, so the old load context is unloaded only after its last call.
/// </summary>
internal sealed class PluginEndpoints
{
    private readonly Dictionary<LoadedPlugin, List<GrpcServiceEndpointConventionBuilder>> mapped = [];
    private IEndpointRouteBuilder? endpoints;

    /// <summary>From now on services are mapped on <paramref name="builder"/>, starting with those of <paramref name="loaded"/>.</summary>
    /// <returns>For each plugin whose services could not be mapped, the reason.</returns>
    public IReadOnlyDictionary<LoadedPlugin, string> Attach(IEndpointRouteBuilder builder, IEnumerable<LoadedPlugin> loaded)
    {
        endpoints = builder;
        var failures = new Dictionary<LoadedPlugin, string>();
        foreach (var plugin in loaded)
        {
            try
            {
                Swap(null, plugin);
            }
            catch (PluginRejectedException ex)
            {
                failures[plugin] = ex.Message;
            }
        }

        return failures;
    }

    /// <summary>
    /// Unmaps <paramref name="previous"/>'s services and maps <paramref name="next"/>'s, published together. When
    /// one of the new services cannot be mapped (its name is taken, its binding fails) nothing changes.
    /// </summary>
    /// <exception cref="PluginRejectedException">A service of <paramref name="next"/> cannot be mapped.</exception>
    public void Swap(LoadedPlugin? previous, LoadedPlugin? next)
    {
        if (endpoints is null)
        {
            return;
        }

        using var batch = endpoints.DeferGrpcEndpointChanges();
        var old = previous is not null && mapped.Remove(previous, out var registrations) ? registrations : [];
        foreach (var registration in old)
        {
            registration.Dispose();
        }

        if (next is null || next.Services.Count == 0)
        {
            return;
        }

        var added = new List<GrpcServiceEndpointConventionBuilder>();
        try
        {
            foreach (var service in next.Services)
            {
                added.Add(Map(endpoints, service, next.Calls));
            }
        }
        catch (Exception ex)
        {
            foreach (var registration in added)
            {
                registration.Dispose();
            }

            // The previous version keeps serving: map it again (it was mapped a moment ago, so it maps).
            if (previous is not null && previous.Services.Count > 0)
            {
                mapped[previous] = [.. previous.Services.Select(s => Map(endpoints, s, previous.Calls))];
            }

            throw PluginRejectedException.Failed($"its gRPC services cannot be exposed: {ex.Message}");
        }

        mapped[next] = added;
    }

    /// <summary>
    /// Forgets every plugin service: the host is being disposed, with its endpoints (unmapping now would make routing
    /// rebuild on a service provider that is gone).
    /// </summary>
    public void Clear()
    {
        mapped.Clear();
        endpoints = null;
    }

    private static GrpcServiceEndpointConventionBuilder Map(IEndpointRouteBuilder endpoints, PluginServiceEntry service, PluginCallGate calls)
    {
        var create = service.Create;
        var builder = endpoints.MapGrpcService(service.ServiceType, _ => create());
        builder.Add(endpoint =>
        {
            var handle = endpoint.RequestDelegate;
            if (handle is null)
            {
                return;
            }

            endpoint.RequestDelegate = async context =>
            {
                calls.Enter();
                try
                {
                    await handle(context).ConfigureAwait(false);
                }
                finally
                {
                    calls.Exit();
                }
            };
        });
        return builder;
    }
}
