using Krakow.BuildingBlocks.Caching;
using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Krakow.BuildingBlocks.Security;

public static class SecurityServiceCollectionExtensions
{
    /// <summary>
    /// API-key authentication, the platform's role policies (anonymous callers stay anonymous) and its rate limits
    /// (<see cref="RateLimitPolicies"/>), kept in Redis when one is configured.
    /// </summary>
    public static IServiceCollection AddPlatformSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        // Checked now, so a mistyped key fails start-up instead of silently locking someone out.
        var keys = new List<ApiKeyEntry>();
        configuration.GetSection(ApiKeyOptions.SectionName).Bind(keys);
        Validate(keys);
        services.Configure<ApiKeyOptions>(options => options.Keys.AddRange(keys));
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(PlatformRoles.ModeratorPolicy, policy => policy.RequireRole(PlatformRoles.Moderator, PlatformRoles.Administrator))
            .AddPolicy(PlatformRoles.AdministratorPolicy, policy => policy.RequireRole(PlatformRoles.Administrator))
            .AddPolicy(PlatformRoles.PartnerPolicy, policy => policy.RequireAuthenticatedUser());
        services.AddPlatformRateLimits(RateLimitOptions.FromConfiguration(configuration));
        if (RedisCacheOptions.IsConfigured(configuration))
        {
            // The Redis connection comes from AddPlatformCache, which the same setting switches on.
            services.TryAddSingleton<SharedTokenBuckets>();
        }

        return services;
    }

    private static void Validate(List<ApiKeyEntry> keys)
    {
        for (var i = 0; i < keys.Count; i++)
        {
            var key = $"{ApiKeyOptions.SectionName}:{i}";
            if (string.IsNullOrWhiteSpace(keys[i].Name))
            {
                throw new PlatformConfigurationException($"{key}:Name", "is required");
            }

            if (keys[i].Sha256.Length != 64 || !keys[i].Sha256.All(char.IsAsciiHexDigitLower))
            {
                throw new PlatformConfigurationException($"{key}:Sha256", "must be the lower-case hex SHA-256 of the key (64 characters)");
            }

            if (keys.Take(i).Any(other => other.Sha256 == keys[i].Sha256))
            {
                throw new PlatformConfigurationException($"{key}:Sha256", "repeats the hash of an earlier key");
            }
        }
    }
}
