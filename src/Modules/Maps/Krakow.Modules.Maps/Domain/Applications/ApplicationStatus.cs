namespace Krakow.Modules.Maps.Domain.Applications;

/// <summary>
/// Where an application stands: submitted → approved | rejected | changes requested → (edited) submitted; the
/// applicant may withdraw at any time. Rejected and withdrawn are final.
/// </summary>
internal enum ApplicationStatus
{
    Submitted = 1,
    Approved = 2,
    Rejected = 3,
    ChangesRequested = 4,
    Withdrawn = 5,
}

internal static class ApplicationStatusNames
{
    /// <summary>The name callers see in messages, as in the public API ("CHANGES_REQUESTED").</summary>
    public static string Describe(this ApplicationStatus status) => status switch
    {
        ApplicationStatus.Submitted => "SUBMITTED",
        ApplicationStatus.Approved => "APPROVED",
        ApplicationStatus.Rejected => "REJECTED",
        ApplicationStatus.ChangesRequested => "CHANGES_REQUESTED",
        ApplicationStatus.Withdrawn => "WITHDRAWN",
        _ => status.ToString(),
    };

    public static bool IsFinal(this ApplicationStatus status) => status is ApplicationStatus.Rejected or ApplicationStatus.Withdrawn;
}
