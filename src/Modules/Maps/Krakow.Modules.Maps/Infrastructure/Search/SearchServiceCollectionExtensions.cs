using System.Security.Cryptography;
using System.Text;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Search;

internal static class SearchServiceCollectionExtensions
{
    private const string PageTokenKeyPurpose = "krakow.maps.search.page-token.v1";

    /// <summary>
    /// The listing index (built at start-up, following the feed), the searches, the GeoJSON export, the nudge on
    /// every Maps save, and the "maps-search-index" readiness check.
    /// </summary>
    public static IServiceCollection AddListingSearch(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(new PageTokens(TokenKey(configuration)));
        services.AddSingleton(new SearchIndexOptions());
        services.AddSingleton<ListingIndexUpdater>();
        services.AddSingleton<IListingIndex>(sp => sp.GetRequiredService<ListingIndexUpdater>());
        services.AddHostedService(sp => sp.GetRequiredService<ListingIndexUpdater>());
        // Stateless over singletons (index, catalogue, clock, cache): one instance serves every call.
        services.AddSingleton<ListingSearch>();
        services.AddSingleton<CampaignGeoJsonExport>();
        ListingFeedNudger.AddListener<ListingIndexUpdater>(services);
        services.AddHealthChecks().AddCheck<SearchIndexHealthCheck>("maps-search-index", tags: ["ready"]);
        return services;
    }

    /// <summary>
    /// The HMAC key of page tokens. <c>Maps:TokenKey</c> is the module's one configured secret (base64 of at least 32
    /// random bytes, checked at start-up by <see cref="EditTokenKeyStore.ReadConfiguredKey"/>; edit tokens use it too):
    /// when set, the page-token key is derived from it with HKDF-SHA256 for this purpose alone, so every instance that
    /// shares the setting honours the others' tokens. When it is not set, 32 random bytes for this process: tokens are
    /// then honoured only by the instance that issued them (and not after a restart).
    /// </summary>
    private static byte[] TokenKey(IConfiguration configuration) =>
        EditTokenKeyStore.ReadConfiguredKey(configuration) is { } secret
            ? HKDF.DeriveKey(HashAlgorithmName.SHA256, secret, 32, salt: [], info: Encoding.UTF8.GetBytes(PageTokenKeyPurpose))
            : RandomNumberGenerator.GetBytes(32);
}
