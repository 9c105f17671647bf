using Krakow.BuildingBlocks.Modules;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Violating;

/// <summary>The entry type: the one type allowed to be public, and the one type the host may name.</summary>
public sealed class ViolatingModule : IModule
{
    public string Name => "Violating";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }

    /// <summary>Rule 7: public, and visible outside the assembly because its declaring type is.</summary>
    public sealed class LeakedOptions
    {
        public int Retries { get; set; }
    }
}
