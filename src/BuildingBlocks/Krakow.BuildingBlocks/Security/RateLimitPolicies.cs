namespace Krakow.BuildingBlocks.Security;

/// <summary>The rate-limiting policies a service or method opts into with <c>[EnableRateLimiting(…)]</c>.</summary>
public static class RateLimitPolicies
{
    /// <summary>
    /// Calls that write on a caller's behalf or check a secret token (applying, editing, uploading, reconfirming),
    /// limited per caller as <see cref="RateLimitOptions"/> says. Reads are not limited: a partner's portal serves
    /// many residents from one address.
    /// </summary>
    public const string Writes = "writes";

    /// <summary>
    /// Calls that stay open (watches, exports, image downloads, health watches, reflection): how many one caller may
    /// hold at once, per instance, so that nobody holds the server's connections and what each stream keeps.
    /// </summary>
    public const string Streams = "streams";
}
