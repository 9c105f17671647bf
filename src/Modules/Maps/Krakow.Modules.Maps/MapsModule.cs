using Krakow.BuildingBlocks.Modules;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps;

/// <summary>The Maps context (domain.md §1): campaigns from plugins, applications, moderation, listings, search.</summary>
public sealed class MapsModule : IModule
{
    public string Name => "Maps";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDatabase<MapsDbContext>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
    }
}
