using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.BuildingBlocks.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>API-key authentication and the platform's role policies; anonymous callers stay anonymous.</summary>
    public static IServiceCollection AddPlatformSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ApiKeyOptions>(options => configuration.GetSection(ApiKeyOptions.SectionName).Bind(options.Keys));
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PlatformRoles.ModeratorPolicy, policy => policy.RequireRole(PlatformRoles.Moderator, PlatformRoles.Administrator))
            .AddPolicy(PlatformRoles.AdministratorPolicy, policy => policy.RequireRole(PlatformRoles.Administrator))
            .AddPolicy(PlatformRoles.PartnerPolicy, policy => policy.RequireAuthenticatedUser());
        return services;
    }
}
