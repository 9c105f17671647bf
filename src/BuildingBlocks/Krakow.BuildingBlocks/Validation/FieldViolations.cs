using Google.Rpc;
using Grpc.Core;

namespace Krakow.BuildingBlocks.Validation;

/// <summary>
/// Collects every problem with a request, so the caller learns all of them in one answer: INVALID_ARGUMENT with
/// a <c>google.rpc.BadRequest</c> listing each field (as a proto path, e.g. <c>name.pl</c>).
/// </summary>
public sealed class FieldViolations
{
    private readonly List<BadRequest.Types.FieldViolation> violations = [];

    public bool IsEmpty => violations.Count == 0;

    public int Count => violations.Count;

    public FieldViolations Add(string field, string description)
    {
        violations.Add(new BadRequest.Types.FieldViolation { Field = field, Description = description });
        return this;
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

        var summary = violations.Count == 1
            ? $"{violations[0].Field}: {violations[0].Description}"
            : $"{violations.Count} fields are invalid: " + string.Join("; ", violations.Select(v => $"{v.Field}: {v.Description}"));
        var badRequest = new BadRequest();
        badRequest.FieldViolations.Add(violations);
        throw RpcStatusExtensions.CreateRpcStatus(StatusCode.InvalidArgument, summary, badRequest).ToRpcException();
    }
}
