using Krakow.BuildingBlocks.Modules;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Metropolis.Api;
using Krakow.Modules.Metropolis.Application;
using Krakow.Modules.Metropolis.Contracts;
using Krakow.Modules.Metropolis.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Metropolis;

/// <summary>The Metropolis forum context: members registry and declarations (domain.md §3).</summary>
public sealed class MetropolisModule : IModule
{
    public string Name => "Metropolis";

    public void ConfigureServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddModuleDatabase<MetropolisDbContext>();
        services.AddScoped<MemberDirectory>();
        services.AddScoped<IMetropolisMembers>(sp => sp.GetRequiredService<MemberDirectory>());
        services.AddScoped<DeclarationBook>();
    }

    public void MapEndpoints(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<MembersRegistryService>();
        endpoints.MapGrpcService<DeclarationsService>();
    }
}
