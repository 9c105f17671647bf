using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;

namespace Krakow.BuildingBlocks.Security;

public static class SecurityApplicationBuilderExtensions
{
    /// <summary>
    /// Authentication, then a refusal (UNAUTHENTICATED, saying what is wrong with the key) for any request that
    /// presents a key that does not authenticate, on public methods too: a portal with a mistyped or revoked key
    /// learns it at its first call, instead of being served, and rate-limited, as an anonymous caller.
    /// </summary>
    public static IApplicationBuilder UsePlatformAuthentication(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        // The API key handler authenticates every authorization header it is given, or fails it: a header and no
        // authenticated user means a failed key (the challenge says why, from the handler's cached result).
        app.Use((context, next) =>
            context.User.Identity?.IsAuthenticated != true && context.Request.Headers.Authorization.Count > 0
                ? context.ChallengeAsync()
                : next(context));
        return app;
    }
}
