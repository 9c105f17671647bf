using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Applications;

/// <summary>
/// What a submission asks for, as one SHA-256 (hex): the campaign and every answer in field-id order, each as its
/// protobuf encoding. Independent of the order in which a client happened to fill its map, so a genuine retry
/// matches and a different request with a reused idempotency key does not.
/// </summary>
internal static class SubmissionFingerprint
{
    public static string Of(V1.SubmitApplicationRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, Encoding.UTF8.GetBytes(request.CampaignId));
        foreach (var (fieldId, value) in request.Answers.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            Append(hash, Encoding.UTF8.GetBytes(fieldId));
            Append(hash, value.ToByteArray());
        }

        return Convert.ToHexStringLower(hash.GetCurrentHash());
    }

    /// <summary>Length-prefixed, so that no two different sequences of parts hash alike.</summary>
    private static void Append(IncrementalHash hash, byte[] part)
    {
        Span<byte> length = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(length, part.Length);
        hash.AppendData(length);
        hash.AppendData(part);
    }
}
