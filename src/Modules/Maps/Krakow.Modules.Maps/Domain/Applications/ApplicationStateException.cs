namespace Krakow.Modules.Maps.Domain.Applications;

/// <summary>A change the application's current status does not allow; the message names that status.</summary>
internal sealed class ApplicationStateException(string applicationId, ApplicationStatus current, string message)
    : InvalidOperationException(message)
{
    public string ApplicationId { get; } = applicationId;

    public ApplicationStatus Current { get; } = current;
}
