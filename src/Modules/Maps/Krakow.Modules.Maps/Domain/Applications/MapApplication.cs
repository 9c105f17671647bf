namespace Krakow.Modules.Maps.Domain.Applications;

/// <summary>
/// A business's application to a map campaign, made by the campaign's short survey. The applicant holds a secret
/// edit token (only its hash is kept here) to check, edit or withdraw it; moderators decide on it.
/// </summary>
internal sealed class MapApplication
{
    private MapApplication()
    {
    }

    public string Id { get; private set; } = string.Empty;

    public string CampaignId { get; private set; } = string.Empty;

    /// <summary>The season of the campaign the application was made in.</summary>
    public int Season { get; private set; }

    public ApplicationStatus Status { get; private set; }

    /// <summary>The accepted answers, by survey field id.</summary>
    public IReadOnlyDictionary<string, Answer> Answers { get; private set; } = new Dictionary<string, Answer>();

    /// <summary>The client's key of the submission; unique per campaign.</summary>
    public string IdempotencyKey { get; private set; } = string.Empty;

    /// <summary>What the first submission with <see cref="IdempotencyKey"/> asked for (SHA-256, hex), to tell a retry from a reuse.</summary>
    public string RequestFingerprint { get; private set; } = string.Empty;

    /// <summary>SHA-256 of the edit token; the token itself is never stored.</summary>
    public byte[] EditTokenHash { get; private set; } = [];

    /// <summary>Campaigns the business does not want to be cross-listed on.</summary>
    public IReadOnlyList<string> CrossListingOptOuts { get; private set; } = [];

    /// <summary>The latest moderation decision's reason or request.</summary>
    public string ModeratorNote { get; private set; } = string.Empty;

    /// <summary>The offer image shown with the listings (SHA-256 content address), or empty.</summary>
    public string OfferImageId { get; private set; } = string.Empty;

    public DateTime SubmittedAt { get; private set; }

    public DateTime UpdatedAt { get; private set; }

    /// <summary>When the application last entered the moderation queue (submitted or resubmitted).</summary>
    public DateTime QueuedAt { get; private set; }

    /// <summary>Grows with every change; a concurrent change of the same application fails instead of being lost.</summary>
    public int Version { get; private set; }

    public static MapApplication Submit(
        string id,
        string campaignId,
        int season,
        IReadOnlyDictionary<string, Answer> answers,
        string idempotencyKey,
        string requestFingerprint,
        byte[] editTokenHash,
        DateTime now) => new()
        {
            Id = id,
            CampaignId = campaignId,
            Season = season,
            Status = ApplicationStatus.Submitted,
            Answers = answers,
            OfferImageId = ImageOf(answers),
            IdempotencyKey = idempotencyKey,
            RequestFingerprint = requestFingerprint,
            EditTokenHash = editTokenHash,
            SubmittedAt = now,
            UpdatedAt = now,
            QueuedAt = now,
            Version = 1,
        };

    /// <summary>
    /// Replaces the answers. After "changes requested" this resubmits the application to the queue; an approved
    /// application stays approved (its listings follow the new answers).
    /// </summary>
    public void Update(IReadOnlyDictionary<string, Answer> answers, DateTime now)
    {
        EnsureNotFinal("updated");
        if (Status == ApplicationStatus.ChangesRequested)
        {
            Status = ApplicationStatus.Submitted;
            QueuedAt = now;
        }

        Answers = answers;
        OfferImageId = ImageOf(answers);
        Touch(now);
    }

    public void Withdraw(DateTime now)
    {
        EnsureNotFinal("withdrawn");
        Status = ApplicationStatus.Withdrawn;
        Touch(now);
    }

    public void Approve(string note, DateTime now) => Decide(ApplicationStatus.Approved, "approved", note, now);

    public void Reject(string note, DateTime now) => Decide(ApplicationStatus.Rejected, "rejected", note, now);

    public void RequestChanges(string note, DateTime now) => Decide(ApplicationStatus.ChangesRequested, "sent back for changes", note, now);

    /// <summary>Opts out of (or back into) being cross-listed on <paramref name="campaignId"/>.</summary>
    public void SetCrossListingOptOut(string campaignId, bool optOut, DateTime now)
    {
        EnsureNotFinal("changed");
        var current = CrossListingOptOuts.ToList();
        if (optOut && !current.Contains(campaignId, StringComparer.Ordinal))
        {
            current.Add(campaignId);
        }
        else if (!optOut)
        {
            current.RemoveAll(id => id == campaignId);
        }

        current.Sort(StringComparer.Ordinal);
        CrossListingOptOuts = current;
        Touch(now);
    }

    /// <summary>Shows an uploaded offer image with the entry, as the answer to the survey's image question.</summary>
    public void AttachOfferImage(string imageId, string imageFieldId, DateTime now)
    {
        EnsureNotFinal("given an image");
        Answers = new Dictionary<string, Answer>(Answers, StringComparer.Ordinal) { [imageFieldId] = Answer.OfImage(imageId) };
        OfferImageId = imageId;
        Touch(now);
    }

    /// <summary>Throws unless the application can still change.</summary>
    public void EnsureNotFinal(string what)
    {
        if (Status.IsFinal())
        {
            throw new ApplicationStateException(Id, Status, $"Application '{Id}' is {Status.Describe()} and cannot be {what}.");
        }
    }

    private void Decide(ApplicationStatus outcome, string what, string note, DateTime now)
    {
        if (Status != ApplicationStatus.Submitted)
        {
            throw new ApplicationStateException(Id, Status, $"Application '{Id}' is {Status.Describe()}; only SUBMITTED applications can be {what}.");
        }

        Status = outcome;
        ModeratorNote = note;
        Touch(now);
    }

    private void Touch(DateTime now)
    {
        UpdatedAt = now;
        Version++;
    }

    private static string ImageOf(IReadOnlyDictionary<string, Answer> answers) =>
        answers.Values.FirstOrDefault(a => a.Kind == AnswerKind.Image)?.ImageId ?? string.Empty;
}
