using Google.Protobuf.Collections;
using Google.Protobuf.WellKnownTypes;
using Krakow.Modules.Maps.Application.Applications;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Plugins.Sdk;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Applications;

/// <summary>Between the public Application and AnswerValue messages and the module's model.</summary>
internal static class ApplicationMapping
{
    /// <summary>The answers as sent; an AnswerValue with nothing set counts as not answered.</summary>
    public static IReadOnlyDictionary<string, Answer?> ToDomain(this MapField<string, V1.AnswerValue> answers) =>
        answers.ToDictionary(a => a.Key, a => a.Value.ToDomain(), StringComparer.Ordinal);

    public static Answer? ToDomain(this V1.AnswerValue? value) => value?.ValueCase switch
    {
        V1.AnswerValue.ValueOneofCase.Text => Answer.OfText(value.Text),
        V1.AnswerValue.ValueOneofCase.Number => Answer.OfNumber(value.Number),
        V1.AnswerValue.ValueOneofCase.Boolean => Answer.OfBoolean(value.Boolean),
        V1.AnswerValue.ValueOneofCase.Choices => Answer.OfChoices([.. value.Choices.OptionIds]),
        V1.AnswerValue.ValueOneofCase.Point => Answer.OfPoint(new GeoPosition(value.Point.Latitude, value.Point.Longitude)),
        V1.AnswerValue.ValueOneofCase.Address => Answer.OfAddress(new PostalAddress(value.Address.Street, value.Address.BuildingNumber, value.Address.PostalCode, value.Address.City)),
        V1.AnswerValue.ValueOneofCase.ImageId => Answer.OfImage(value.ImageId),
        _ => null,
    };

    public static V1.AnswerValue ToProto(this Answer answer) => answer.Kind switch
    {
        AnswerKind.Text => new V1.AnswerValue { Text = answer.Text ?? string.Empty },
        AnswerKind.Number => new V1.AnswerValue { Number = answer.Number ?? 0 },
        AnswerKind.Boolean => new V1.AnswerValue { Boolean = answer.Boolean ?? false },
        AnswerKind.Choices => new V1.AnswerValue { Choices = new V1.ChoiceList { OptionIds = { answer.Choices ?? [] } } },
        AnswerKind.Point => new V1.AnswerValue { Point = new V1.GeoPoint { Latitude = answer.Point?.Latitude ?? 0, Longitude = answer.Point?.Longitude ?? 0 } },
        AnswerKind.Address => new V1.AnswerValue
        {
            Address = new V1.Address
            {
                Street = answer.Address?.Street ?? string.Empty,
                BuildingNumber = answer.Address?.BuildingNumber ?? string.Empty,
                PostalCode = answer.Address?.PostalCode ?? string.Empty,
                City = answer.Address?.City ?? string.Empty,
            },
        },
        _ => new V1.AnswerValue { ImageId = answer.ImageId ?? string.Empty },
    };

    public static V1.Application ToProto(this ApplicationView view)
    {
        var application = view.Application;
        var proto = new V1.Application
        {
            Id = application.Id,
            CampaignId = application.CampaignId,
            Status = application.Status.ToProto(),
            SubmittedAt = Timestamp.FromDateTime(application.SubmittedAt),
            UpdatedAt = Timestamp.FromDateTime(application.UpdatedAt),
            ModeratorNote = application.ModeratorNote,
            OfferImageId = application.OfferImageId,
            Season = application.Season,
            ReconfirmationSeason = view.Reconfirmation.PendingSeason,
            ReconfirmedFrom = view.Reconfirmation.ReconfirmedFrom,
            ReconfirmedAs = view.Reconfirmation.ReconfirmedAs,
        };
        foreach (var (fieldId, answer) in application.Answers)
        {
            proto.Answers[fieldId] = answer.ToProto();
        }

        proto.ListedOn.Add(view.ListedOn);
        proto.CrossListingOptOuts.Add(application.CrossListingOptOuts);
        return proto;
    }

    public static V1.ApplicationStatus ToProto(this ApplicationStatus status) => status switch
    {
        ApplicationStatus.Submitted => V1.ApplicationStatus.Submitted,
        ApplicationStatus.Approved => V1.ApplicationStatus.Approved,
        ApplicationStatus.Rejected => V1.ApplicationStatus.Rejected,
        ApplicationStatus.ChangesRequested => V1.ApplicationStatus.ChangesRequested,
        ApplicationStatus.Withdrawn => V1.ApplicationStatus.Withdrawn,
        _ => V1.ApplicationStatus.Unspecified,
    };
}
