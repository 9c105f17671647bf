using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Krakow.Modules.Maps.Application.Applications;

namespace Krakow.Modules.Maps.Application.Watch;

/// <summary>Where a watch stands: the season it follows, and the feed sequence up to which its client has every change.</summary>
internal readonly record struct WatchPosition(int Season, long Sequence);

/// <summary>
/// Resume tokens of campaign watches: version, season and feed sequence, with a 128-bit HMAC-SHA256 over them and
/// the campaign id, base64url (39 characters). The key is derived (HKDF-SHA256, for this purpose alone) from the
/// module's secret that edit tokens use — configured, or generated once and kept in the database — so a token
/// outlives restarts and is honoured by every instance; and a token cannot be forged, edited, or carried over to
/// another campaign.
/// </summary>
internal sealed class WatchTokens(IEditTokenKey moduleKey)
{
    private const byte FormatVersion = 1;
    private const int PayloadLength = 1 + 4 + 8;
    private const int MacLength = 16;
    private const int TokenLength = PayloadLength + MacLength;
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("krakow.maps.watch-token.v1");

    private byte[]? key;

    /// <summary>The signer for one campaign's tokens.</summary>
    public async ValueTask<Signer> ForCampaignAsync(string campaignId, CancellationToken cancellationToken)
    {
        key ??= HKDF.DeriveKey(HashAlgorithmName.SHA256, await moduleKey.GetAsync(cancellationToken), 32, salt: [], info: Purpose);
        return new Signer(key, Encoding.UTF8.GetBytes(campaignId));
    }

    internal sealed class Signer(byte[] key, byte[] campaignId)
    {
        public string Issue(WatchPosition position)
        {
            Span<byte> token = stackalloc byte[TokenLength];
            token[0] = FormatVersion;
            BinaryPrimitives.WriteInt32BigEndian(token[1..], position.Season);
            BinaryPrimitives.WriteInt64BigEndian(token[5..], position.Sequence);
            Mac(token[..PayloadLength], token[PayloadLength..]);
            return Base64Url.EncodeToString(token);
        }

        /// <summary>The position a token of this campaign names; false for anything else (malformed, edited, another campaign's).</summary>
        public bool TryRead(string token, out WatchPosition position)
        {
            position = default;
            Span<byte> bytes = stackalloc byte[TokenLength + 3];
            if (token.Length != Base64Url.GetEncodedLength(TokenLength)
                || !Base64Url.TryDecodeFromChars(token, bytes, out var written)
                || written != TokenLength)
            {
                return false;
            }

            Span<byte> expected = stackalloc byte[MacLength];
            Mac(bytes[..PayloadLength], expected);
            if (!CryptographicOperations.FixedTimeEquals(expected, bytes[PayloadLength..TokenLength]) || bytes[0] != FormatVersion)
            {
                return false;
            }

            var season = BinaryPrimitives.ReadInt32BigEndian(bytes[1..]);
            var sequence = BinaryPrimitives.ReadInt64BigEndian(bytes[5..]);
            if (season < 1 || sequence < 0)
            {
                return false;
            }

            position = new WatchPosition(season, sequence);
            return true;
        }

        private void Mac(ReadOnlySpan<byte> payload, Span<byte> destination)
        {
            using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
            hmac.AppendData(payload);
            hmac.AppendData(campaignId);
            Span<byte> full = stackalloc byte[32];
            hmac.GetHashAndReset(full);
            full[..MacLength].CopyTo(destination);
        }
    }
}
