using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Krakow.Modules.Maps.Application.Applications;

namespace Krakow.Modules.Maps.Application.Search;

internal enum PageTokenKind : byte
{
    Nearby = 1,
    Viewport = 2,
}

internal enum PageTokenError
{
    None,

    /// <summary>Not base64url, too short, unknown version, or the signature does not verify (tampered, or signed with another key).</summary>
    NotIssuedHere,

    /// <summary>Genuine, but issued for another search (other centre, radius, viewport or filter, or the other method).</summary>
    OtherQuery,
}

/// <summary>What a page token carries: the last hit of the previous page (its sort key and id).</summary>
internal readonly record struct PageCursor(double Key, string Id);

/// <summary>
/// Signed page tokens. A token is base64url of
/// <c>version(1) kind(1) query-fingerprint(16) sort-key(8, nearby only) id(UTF-8) HMAC-SHA256(16)</c>:
/// the cursor (the last hit's sort key, i.e. its exact squared chord to the centre, and id) and a fingerprint of the
/// query, signed with a key derived (HKDF-SHA256, for this purpose alone) from the module's secret that edit and
/// watch tokens use — <c>Maps:TokenKey</c>, or else a key generated once and kept in the database. Tokens are opaque
/// to callers; one altered byte, or a token from another query, is refused.
/// </summary>
/// <remarks>
/// Every host instance on one database (or configured with one <c>Maps:TokenKey</c>) signs with the same key, so
/// behind a load balancer a token issued by one instance continues the search on another, and after a restart.
/// Tokens do not expire: a cursor stays meaningful. The module's key is loaded at start-up (TokenKeyPreload); the
/// first search derives the signing key from it and <see cref="Signer"/> keeps it: searches never wait on the
/// database for it.
/// </remarks>
internal sealed class PageTokens(IEditTokenKey moduleKey)
{
    private const byte Version = 1;
    private const int FingerprintLength = 16;
    private const int MacLength = 16;
    private const int MaxIdBytes = 1024;

    // The purpose the configured-key derivation has always used: tokens issued under Maps:TokenKey stay valid.
    private static readonly byte[] Purpose = Encoding.UTF8.GetBytes("krakow.maps.search.page-token.v1");

    private Signer? signer;

    /// <summary>The signer under the module's key; completes synchronously once the key has been obtained.</summary>
    public ValueTask<Signer> SignerAsync(CancellationToken cancellationToken) =>
        Volatile.Read(ref signer) is { } known ? ValueTask.FromResult(known) : CreateSignerAsync(cancellationToken);

    /// <summary>The query's fingerprint: SHA-256 (first 16 bytes) of its canonical description.</summary>
    public static byte[] Fingerprint(string canonicalQuery) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(canonicalQuery))[..FingerprintLength];

    private async ValueTask<Signer> CreateSignerAsync(CancellationToken cancellationToken)
    {
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, await moduleKey.GetAsync(cancellationToken), 32, salt: [], info: Purpose);

        // Searches racing on the first use may each derive the key; they agree on it, and the first signer is kept.
        var created = new Signer(key);
        return Interlocked.CompareExchange(ref signer, created, null) ?? created;
    }

    /// <summary>Issues and reads tokens under one key.</summary>
    internal sealed class Signer
    {
        // One keyed HMAC per thread, reset after each use: keying HMAC-SHA256 anew costs more than the MAC itself.
        private readonly ThreadLocal<IncrementalHash> macs;

        public Signer(byte[] key)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, 16);
            var copy = key.ToArray();
            macs = new ThreadLocal<IncrementalHash>(() => IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, copy));
        }

        public string Issue(PageTokenKind kind, byte[] fingerprint, PageCursor cursor)
        {
            var idBytes = Encoding.UTF8.GetBytes(cursor.Id);
            var distanceLength = kind == PageTokenKind.Nearby ? 8 : 0;
            var token = new byte[2 + FingerprintLength + distanceLength + idBytes.Length + MacLength];
            token[0] = Version;
            token[1] = (byte)kind;
            fingerprint.AsSpan(0, FingerprintLength).CopyTo(token.AsSpan(2));
            var offset = 2 + FingerprintLength;
            if (distanceLength > 0)
            {
                BinaryPrimitives.WriteInt64LittleEndian(token.AsSpan(offset), BitConverter.DoubleToInt64Bits(cursor.Key));
                offset += distanceLength;
            }

            idBytes.CopyTo(token.AsSpan(offset));
            offset += idBytes.Length;
            Span<byte> mac = stackalloc byte[32];
            Mac(token.AsSpan(0, offset), mac);
            mac[..MacLength].CopyTo(token.AsSpan(offset));
            return Base64Url.EncodeToString(token);
        }

        private void Mac(ReadOnlySpan<byte> data, Span<byte> destination)
        {
            var hmac = macs.Value!;
            hmac.AppendData(data);
            hmac.GetHashAndReset(destination);
        }

        public PageTokenError TryRead(string token, PageTokenKind kind, byte[] fingerprint, out PageCursor cursor)
        {
            cursor = default;
            byte[] bytes;
            try
            {
                bytes = Base64Url.DecodeFromChars(token);
            }
            catch (FormatException)
            {
                return PageTokenError.NotIssuedHere;
            }

            if (bytes.Length < 2 + FingerprintLength + MacLength || bytes.Length > 2 + FingerprintLength + 8 + MaxIdBytes + MacLength || bytes[0] != Version)
            {
                return PageTokenError.NotIssuedHere;
            }

            var signed = bytes.AsSpan(0, bytes.Length - MacLength);
            Span<byte> mac = stackalloc byte[32];
            Mac(signed, mac);
            if (!CryptographicOperations.FixedTimeEquals(mac[..MacLength], bytes.AsSpan(bytes.Length - MacLength)))
            {
                return PageTokenError.NotIssuedHere;
            }

            if (bytes[1] != (byte)kind || !signed.Slice(2, FingerprintLength).SequenceEqual(fingerprint.AsSpan(0, FingerprintLength)))
            {
                return PageTokenError.OtherQuery;
            }

            var offset = 2 + FingerprintLength;
            var sortKey = 0.0;
            if (kind == PageTokenKind.Nearby)
            {
                if (signed.Length < offset + 8)
                {
                    return PageTokenError.NotIssuedHere;
                }

                sortKey = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(signed[offset..]));
                offset += 8;
            }

            cursor = new PageCursor(sortKey, Encoding.UTF8.GetString(signed[offset..]));
            return PageTokenError.None;
        }
    }
}
