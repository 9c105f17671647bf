using Google.Protobuf.WellKnownTypes;
using Krakow.Modules.Maps.Domain.Applications.Survey;
using Krakow.Modules.Maps.Domain.Campaigns;
using Sdk = Krakow.Plugins.Sdk;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Campaigns;

/// <summary>A campaign from the catalogue as the public API shows it.</summary>
internal static class CampaignMapping
{
    /// <summary>
    /// Everything but the status, which depends on the clock: it is left UNSPECIFIED (ARCHIVED when a later season
    /// superseded the campaign) and set per request by <see cref="StatusAt"/>.
    /// </summary>
    public static V1.Campaign ToProto(this CampaignSnapshot snapshot)
    {
        var definition = snapshot.Definition;
        var campaign = new V1.Campaign
        {
            Id = definition.Id,
            Name = definition.Name.ToProto(),
            Description = definition.Description.ToProto(),
            Window = new V1.CampaignWindow { StartsAt = Timestamp.FromDateTimeOffset(definition.Window.StartsAt) },
            Status = snapshot.SupersededBySeason ? V1.CampaignStatus.Archived : V1.CampaignStatus.Unspecified,
            Survey = new V1.SurveySchema(),
            EligibleArea = definition.Eligibility.AreaDescription.ToProto(),
            AcceptsOfferImage = definition.AcceptsOfferImage,
            PluginId = snapshot.PluginId,
            PluginVersion = snapshot.PluginVersion,
            Season = snapshot.Season,
        };
        if (definition.Window.EndsAt is { } end)
        {
            campaign.Window.EndsAt = Timestamp.FromDateTimeOffset(end);
        }

        campaign.Categories.Add(definition.Categories.Select(c => new V1.Category { Id = c.Id, Name = c.Name.ToProto(), Catering = c.Catering }));
        campaign.Survey.Fields.Add(definition.Survey.Fields.Select(ToProto));
        campaign.CrossListings.Add(definition.CrossListings.Select(r => new V1.CrossListingRule { TargetCampaignId = r.TargetCampaignId, OnlyCatering = r.OnlyCatering }));
        return campaign;
    }

    /// <summary>As <see cref="CampaignSnapshot.StatusAt"/>: archived once superseded, else by the window.</summary>
    public static V1.CampaignStatus StatusAt(V1.Campaign campaign, DateTimeOffset now) =>
        campaign.Status == V1.CampaignStatus.Archived ? V1.CampaignStatus.Archived
        : now < campaign.Window.StartsAt.ToDateTimeOffset() ? V1.CampaignStatus.Upcoming
        : campaign.Window.EndsAt is { } end && now > end.ToDateTimeOffset() ? V1.CampaignStatus.Closed
        : V1.CampaignStatus.Open;

    public static Krakow.Common.V1.LocalizedText ToProto(this Sdk.LocalizedText text) => new()
    {
        Pl = text.Pl,
        En = text.En,
        Uk = text.Uk ?? string.Empty,
        Ru = text.Ru ?? string.Empty,
    };

    private static V1.SurveyField ToProto(Sdk.SurveyField field)
    {
        var proto = new V1.SurveyField
        {
            Id = field.Id,
            Type = ToProto(field.Type),
            Label = field.Label.ToProto(),
            Required = field.Required,
            MaxLength = IsText(field.Type) ? TextPolicy.MaxLengthOf(field) : 0,
            HasMin = field.Min is not null,
            Min = field.Min ?? 0,
            HasMax = field.Max is not null,
            Max = field.Max ?? 0,
            MaxSelections = field.MaxSelections ?? 0,
        };
        if (field.Help is { } help)
        {
            proto.Help = help.ToProto();
        }

        proto.Options.Add(field.Options.Select(o => new V1.ChoiceOption { Id = o.Id, Label = o.Label.ToProto() }));
        return proto;
    }

    private static bool IsText(Sdk.FieldType type) =>
        type is Sdk.FieldType.Text or Sdk.FieldType.LongText or Sdk.FieldType.Url or Sdk.FieldType.Email or Sdk.FieldType.Phone;

    private static V1.FieldType ToProto(Sdk.FieldType type) => type switch
    {
        Sdk.FieldType.Text => V1.FieldType.Text,
        Sdk.FieldType.LongText => V1.FieldType.LongText,
        Sdk.FieldType.SingleChoice => V1.FieldType.SingleChoice,
        Sdk.FieldType.MultipleChoice => V1.FieldType.MultipleChoice,
        Sdk.FieldType.Number => V1.FieldType.Number,
        Sdk.FieldType.Date => V1.FieldType.Date,
        Sdk.FieldType.Boolean => V1.FieldType.Boolean,
        Sdk.FieldType.Url => V1.FieldType.Url,
        Sdk.FieldType.Email => V1.FieldType.Email,
        Sdk.FieldType.Phone => V1.FieldType.Phone,
        Sdk.FieldType.GeoPoint => V1.FieldType.Geopoint,
        Sdk.FieldType.Address => V1.FieldType.Address,
        Sdk.FieldType.Image => V1.FieldType.Image,
        _ => V1.FieldType.Unspecified,
    };
}
