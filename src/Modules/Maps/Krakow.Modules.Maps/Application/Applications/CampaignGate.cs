using System.Globalization;
using Google.Rpc;
using Grpc.Core;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>The campaign-level conditions of applying: the campaign exists, its window is open, the business is in its area.</summary>
internal sealed class CampaignGate(ICampaignCatalog catalog)
{
    /// <summary>The campaign an applicant names; NOT_FOUND when no loaded plugin provides it.</summary>
    public CampaignSnapshot Require(string campaignId) =>
        catalog.Find(campaignId) ?? throw new RpcException(new Grpc.Core.Status(StatusCode.NotFound, $"Campaign '{campaignId}' does not exist."));

    /// <summary>The campaign of an existing application; FAILED_PRECONDITION while its plugin is not loaded.</summary>
    public CampaignSnapshot RequireLoaded(string campaignId) =>
        catalog.Find(campaignId) ?? throw new RpcException(new Grpc.Core.Status(
            StatusCode.FailedPrecondition, $"Campaign '{campaignId}' is not available at the moment (its plugin is not loaded); try again later."));

    /// <summary>FAILED_PRECONDITION outside the window, naming the closing (or opening) date.</summary>
    public static void EnsureOpen(CampaignSnapshot campaign, DateTimeOffset now)
    {
        var window = campaign.Definition.Window;
        var refusal = campaign.StatusAt(now) switch
        {
            CampaignStatus.Upcoming => $"Campaign '{campaign.Id}' opens on {Day(window.StartsAt)}; it does not accept applications yet.",
            CampaignStatus.Closed => $"Campaign '{campaign.Id}' closed on {Day(window.EndsAt!.Value)}; it no longer accepts applications.",
            CampaignStatus.Archived => $"Campaign '{campaign.Id}' season {campaign.Season} is archived; it no longer accepts applications.",
            _ => null,
        };
        if (refusal is not null)
        {
            throw new RpcException(new Grpc.Core.Status(StatusCode.FailedPrecondition, refusal));
        }
    }

    /// <summary>
    /// FAILED_PRECONDITION, with a google.rpc.PreconditionFailure on the location answer, when the business's
    /// location lies outside every eligibility area of the campaign. Campaigns without areas take anyone.
    /// </summary>
    public static void EnsureInArea(CampaignSnapshot campaign, IReadOnlyDictionary<string, Answer> answers)
    {
        var eligibility = campaign.Definition.Eligibility;
        var (fieldId, point) = LocationOf(campaign.Definition.Survey, answers);
        if (point is not { } position || eligibility.Areas.Count == 0 || eligibility.Areas.Any(area => area.Contains(position)))
        {
            return;
        }

        var subject = "answers." + fieldId;
        var message = $"The location {Degrees(position.Latitude)}, {Degrees(position.Longitude)} ({subject}) is outside the campaign's area: {eligibility.AreaDescription.En}.";
        var failure = new PreconditionFailure();
        failure.Violations.Add(new PreconditionFailure.Types.Violation { Type = "ELIGIBILITY_AREA", Subject = subject, Description = message });
        throw RpcStatusExtensions.CreateRpcStatus(StatusCode.FailedPrecondition, message, failure).ToRpcException();
    }

    /// <summary>The business's location: the standard location question, else the survey's first geopoint answered.</summary>
    private static (string FieldId, GeoPosition? Point) LocationOf(SurveySchema survey, IReadOnlyDictionary<string, Answer> answers)
    {
        if (answers.GetValueOrDefault(StandardFields.Location)?.Point is { } standard)
        {
            return (StandardFields.Location, standard);
        }

        var field = survey.Fields.FirstOrDefault(f => f.Type == FieldType.GeoPoint && answers.GetValueOrDefault(f.Id)?.Point is not null);
        return field is null ? (StandardFields.Location, null) : (field.Id, answers[field.Id].Point);
    }

    private static string Day(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Degrees(double value) => value.ToString("0.#####", CultureInfo.InvariantCulture);
}
