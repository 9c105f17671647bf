using Google.Rpc;
using Grpc.Core;

namespace Krakow.BuildingBlocks.Validation;

/// <summary>
/// Collects every problem with a request, so the caller learns all of them in one answer: INVALID_ARGUMENT with
/// a <c>google.rpc.BadRequest</c> listing each field (as a proto path, e.g. <c>name.pl</c>). The answer stays within
/// what gRPC clients accept in trailers (C-core's default is 8 KiB) whatever the request: the details list at most
/// <see cref="MaxReported"/> violations, each description (it may quote the caller's input) is cut at
/// <see cref="MaxDescriptionLength"/>, and the status message names the first <see cref="MaxInMessage"/> and the count.
/// </summary>
public sealed class FieldViolations
{
    /// <summary>The longest id a request may carry (campaign, application, member, declaration ids…).</summary>
    public const int MaxIdLength = 64;

    public const int MaxReported = 20;

    public const int MaxDescriptionLength = 160;

    public const int MaxInMessage = 5;

    private readonly List<BadRequest.Types.FieldViolation> violations = [];
    private int count;

    public bool IsEmpty => count == 0;

    /// <summary>Every violation found, listed or not.</summary>
    public int Count => count;

    public FieldViolations Add(string field, string description)
    {
        if (++count <= MaxReported)
        {
            if (description.Length > MaxDescriptionLength)
            {
                description = string.Concat(description.AsSpan(0, MaxDescriptionLength - 1), "…");
            }

            violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        }

        return this;
    }

    /// <summary>An id: required, at most <see cref="MaxIdLength"/> characters; returns whether it is.</summary>
    public bool RequireId(string value, string field) =>
        Require(value.Length is > 0 and <= MaxIdLength, field, $"is required, at most {MaxIdLength} characters");

    /// <summary>
    /// A point in time the caller sent: null when absent, or when it is not a valid timestamp (nanos outside
    /// 0–999,999,999, or outside years 1–9999), which is then a violation of <paramref name="field"/>.
    /// </summary>
    public DateTimeOffset? Timestamp(Google.Protobuf.WellKnownTypes.Timestamp? value, string field)
    {
        const long MinSeconds = -62_135_596_800; // 0001-01-01T00:00:00Z
        const long MaxSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z
        if (value is null)
        {
            return null;
        }

        if (value.Nanos is < 0 or > 999_999_999 || value.Seconds is < MinSeconds or > MaxSeconds)
        {
            Add(field, "must be a valid timestamp between 0001-01-01 and 9999-12-31 (nanos 0 to 999,999,999)");
            return null;
        }

        return value.ToDateTimeOffset();
    }

    /// <summary>Adds a violation when <paramref name="condition"/> is false; returns the condition.</summary>
    public bool Require(bool condition, string field, string description)
    {
        if (!condition)
        {
            Add(field, description);
        }

        return condition;
    }

    public void ThrowIfAny()
    {
        if (IsEmpty)
        {
            return;
        }

        var summary = count == 1
            ? $"{violations[0].Field}: {violations[0].Description}"
            : $"{count} fields are invalid: " + string.Join("; ", violations.Take(MaxInMessage).Select(v => $"{v.Field}: {v.Description}"))
                + (count > MaxInMessage ? $"; … ({(count > violations.Count ? $"the first {violations.Count}" : "all")} in the google.rpc.BadRequest details)" : "");
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(violations);
        throw RpcStatusExtensions.CreateRpcStatus(StatusCode.InvalidArgument, summary, badRequest).ToRpcException();
    }
}
