using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// Authenticates <c>authorization: Bearer &lt;key&gt;</c> against the hashed keys. A gRPC caller that is refused
/// gets a gRPC status (UNAUTHENTICATED or PERMISSION_DENIED with a message), not a bare HTTP 401/403.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiKeyOptions> keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BearerPrefix = "Bearer ";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length > 512)
        {
            return Task.FromResult(AuthenticateResult.Fail("The authorization header is not 'Bearer <api key>'; send 'authorization: Bearer <key>' or none."));
        }

        var presented = Convert.FromHexString(ApiKeyOptions.Hash(header[BearerPrefix.Length..].Trim()));
        foreach (var entry in keys.CurrentValue.Keys)
        {
            if (entry.Sha256.Length == 64 && CryptographicOperations.FixedTimeEquals(presented, Convert.FromHexString(entry.Sha256)))
            {
                var claims = new List<Claim> { new(ClaimTypes.Name, entry.Name) };
                claims.AddRange(entry.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
                var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("The API key is not valid: it is unknown or has been revoked."));
    }

    /// <summary>Refuses with what was wrong with the key presented, or says that one is needed.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync().ConfigureAwait(false)).Failure;
        await GrpcAwareRefusal.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            grpcStatus: 16,
            failure is null ? "A valid API key is required (authorization: Bearer <key>)." : failure.Message).ConfigureAwait(false);
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GrpcAwareRefusal.WriteAsync(Context, StatusCodes.Status403Forbidden, grpcStatus: 7, "The API key does not carry a role allowed to call this method.");
}
