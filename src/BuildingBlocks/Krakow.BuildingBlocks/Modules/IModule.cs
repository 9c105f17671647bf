using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.BuildingBlocks.Modules;

/// <summary>
/// The entry type of a bounded-context module: the only public type of a module's implementation assembly.
/// The host finds it by scanning module assemblies, so adding a module needs no host code.
/// </summary>
public interface IModule
{
    /// <summary>The module's name, as in configuration: <c>Modules:&lt;Name&gt;:Enabled</c>.</summary>
    string Name { get; }

    /// <summary>Registers the module's services; <paramref name="configuration"/> is the whole configuration.</summary>
    void ConfigureServices(IServiceCollection services, IConfiguration configuration);

    /// <summary>Maps the module's gRPC services and any other endpoints.</summary>
    void MapEndpoints(IEndpointRouteBuilder endpoints);
}
