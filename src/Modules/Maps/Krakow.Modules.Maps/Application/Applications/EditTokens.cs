using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>
/// The applicant's secret for one application: 256 bits, HMAC-SHA256 of the application id under the server's
/// key, base64url. Only its SHA-256 is stored; because it is derived, an idempotent retry of the submission can
/// hand out the very same token again without the token ever being stored.
/// </summary>
internal sealed class EditTokens(IEditTokenKey key)
{
    /// <summary>Longer presented tokens are not even hashed.</summary>
    private const int MaxTokenLength = 128;

    private static readonly byte[] NoMatch = new byte[SHA256.HashSizeInBytes];

    public async ValueTask<string> IssueAsync(string applicationId, CancellationToken cancellationToken)
    {
        var secret = await key.GetAsync(cancellationToken);
        var mac = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("krakow.maps.edit-token:" + applicationId));
        return Base64Url.EncodeToString(mac);
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>
    /// Whether <paramref name="presented"/> is the token whose hash is <paramref name="storedHash"/> (null: no such
    /// application; compared anyway so that the answer takes the same time). Constant time in the token's content.
    /// </summary>
    public static bool Matches(string presented, byte[]? storedHash)
    {
        var plausible = presented.Length is > 0 and <= MaxTokenLength;
        var equal = CryptographicOperations.FixedTimeEquals(plausible ? Hash(presented) : NoMatch, storedHash ?? NoMatch);
        return equal && plausible && storedHash is not null;
    }
}
