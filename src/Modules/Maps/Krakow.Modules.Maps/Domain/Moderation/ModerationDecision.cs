namespace Krakow.Modules.Maps.Domain.Moderation;

internal enum DecisionKind
{
    Approved = 1,
    Rejected = 2,
    ChangesRequested = 3,
}

/// <summary>Why an application was rejected (the public API's reason codes).</summary>
internal enum RejectionReason
{
    None = 0,
    NotEligible = 1,
    OutsideArea = 2,
    IncompleteOrMisleading = 3,
    InappropriateContent = 4,
    Duplicate = 5,
    Other = 6,
}

/// <summary>A moderator's decision on an application: who decided, when, and why. Decisions are never changed.</summary>
internal sealed class ModerationDecision
{
    private ModerationDecision()
    {
    }

    /// <summary>Grows with every decision; orders an application's decisions.</summary>
    public long Id { get; private set; }

    public string ApplicationId { get; private set; } = string.Empty;

    public DecisionKind Kind { get; private set; }

    public RejectionReason Reason { get; private set; }

    public string Comment { get; private set; } = string.Empty;

    /// <summary>The name of the API key the moderator called with.</summary>
    public string DecidedBy { get; private set; } = string.Empty;

    public DateTime DecidedAt { get; private set; }

    public static ModerationDecision Record(string applicationId, DecisionKind kind, RejectionReason reason, string comment, string decidedBy, DateTime now) => new()
    {
        ApplicationId = applicationId,
        Kind = kind,
        Reason = reason,
        Comment = comment,
        DecidedBy = decidedBy,
        DecidedAt = now,
    };

    /// <summary>What the applicant is told: the comment, or for a rejection without one, the reason.</summary>
    public string NoteForApplicant => Comment.Length > 0 || Kind != DecisionKind.Rejected ? Comment : "Rejected: " + Reason switch
    {
        RejectionReason.NotEligible => "not a business of the kind the campaign is for",
        RejectionReason.OutsideArea => "outside the campaign's area",
        RejectionReason.IncompleteOrMisleading => "incomplete or misleading",
        RejectionReason.InappropriateContent => "inappropriate content",
        RejectionReason.Duplicate => "a duplicate of another entry",
        _ => "other reasons",
    };
}
