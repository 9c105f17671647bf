using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Api.Applications;
using Krakow.Modules.Maps.Api.Watch;
using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Domain.Campaigns;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.RateLimiting;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Seasons;

/// <summary>
/// krakow.maps.v1.Seasons: administrators open a campaign's next season (<see cref="SeasonDesk"/>); anyone lists the
/// seasons and reads the archive; last season's applicants re-confirm with their edit token (<see cref="ReconfirmationDesk"/>).
/// </summary>
internal sealed class SeasonsService(SeasonDesk seasons, ReconfirmationDesk reconfirmations) : V1.Seasons.SeasonsBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;

    [Authorize(Policy = PlatformRoles.AdministratorPolicy)]
    public override async Task<V1.Season> OpenNextSeason(V1.OpenNextSeasonRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        RequireCampaignId(request.CampaignId, violations);
        violations.Require(request.Window?.StartsAt is not null, "window.starts_at", "is required");
        var startsAt = violations.Timestamp(request.Window?.StartsAt, "window.starts_at");
        var endsAt = violations.Timestamp(request.Window?.EndsAt, "window.ends_at");
        violations.Require(request.Season >= 0, "season", "must be 0 (the next season) or the number of the next season");
        violations.ThrowIfAny();

        var command = new OpenSeasonCommand(
            request.CampaignId,
            startsAt!.Value,
            endsAt,
            request.CloseCurrentSeason,
            request.Season,
            context.GetHttpContext().User.Identity?.Name ?? "unknown");
        return ToProto(await seasons.OpenNextAsync(command, context.CancellationToken));
    }

    public override async Task<V1.ListSeasonsResponse> ListSeasons(V1.ListSeasonsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        RequireCampaignId(request.CampaignId, violations);
        violations.ThrowIfAny();

        var response = new V1.ListSeasonsResponse();
        response.Seasons.Add((await seasons.ListAsync(request.CampaignId, context.CancellationToken)).Select(ToProto));
        return response;
    }

    public override async Task<V1.ListArchivedListingsResponse> ListArchivedListings(V1.ListArchivedListingsRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        RequireCampaignId(request.CampaignId, violations);
        violations.Require(request.Season >= 1, "season", "is required: 1 or more");
        violations.Require(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be between 0 and {MaxPageSize}");
        var after = ArchivePageToken.Decode(request.PageToken, request.CampaignId, request.Season, violations);
        violations.ThrowIfAny();

        var page = await seasons.ArchiveAsync(
            request.CampaignId, request.Season, request.PageSize == 0 ? DefaultPageSize : request.PageSize, after, context.CancellationToken);
        var response = new V1.ListArchivedListingsResponse
        {
            NextPageToken = page.NextAfterId is { } next ? ArchivePageToken.Encode(request.CampaignId, request.Season, next) : string.Empty,
        };
        response.Listings.Add(page.Listings.Select(ListingMessages.ToProto));
        return response;
    }

    [EnableRateLimiting(RateLimitPolicies.Writes)]
    public override async Task<V1.Application> ReconfirmApplication(V1.ReconfirmApplicationRequest request, ServerCallContext context) =>
        (await reconfirmations.ReconfirmAsync(request.ApplicationId, request.EditToken, context.CancellationToken)).ToProto();

    private static void RequireCampaignId(string campaignId, FieldViolations violations) =>
        violations.RequireId(campaignId, "campaign_id");

    private static V1.Season ToProto(SeasonView season)
    {
        var message = new V1.Season
        {
            CampaignId = season.CampaignId,
            Number = season.Number,
            Window = new V1.CampaignWindow { StartsAt = Timestamp.FromDateTimeOffset(season.Window.StartsAt) },
            Status = season.Status switch
            {
                CampaignStatus.Upcoming => V1.CampaignStatus.Upcoming,
                CampaignStatus.Open => V1.CampaignStatus.Open,
                CampaignStatus.Closed => V1.CampaignStatus.Closed,
                CampaignStatus.Archived => V1.CampaignStatus.Archived,
                _ => V1.CampaignStatus.Unspecified,
            },
            OpenedBy = season.OpenedBy,
            Invited = season.Invited,
        };
        if (season.Window.EndsAt is { } end)
        {
            message.Window.EndsAt = Timestamp.FromDateTimeOffset(end);
        }

        if (season.OpenedAt is { } openedAt)
        {
            message.OpenedAt = Timestamp.FromDateTimeOffset(openedAt);
        }

        return message;
    }
}

/// <summary>
/// Where the next archive page starts: the last listing id shown, bound to the campaign and season asked for (a
/// token of another query is INVALID_ARGUMENT). Not secret and not signed: listing ids are public, and a made-up
/// token only starts a page elsewhere.
/// </summary>
internal static class ArchivePageToken
{
    public static string Encode(string campaignId, int season, string afterId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{campaignId}\n{season.ToString(CultureInfo.InvariantCulture)}\n{afterId}"));

    public static string? Decode(string token, string campaignId, int season, FieldViolations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        string[]? parts = null;
        try
        {
            parts = token.Length <= 512 ? Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n') : null;
        }
        catch (FormatException)
        {
        }

        if (parts is [var tokenCampaign, var tokenSeason, { Length: > 0 } afterId]
            && tokenCampaign == campaignId
            && tokenSeason == season.ToString(CultureInfo.InvariantCulture))
        {
            return afterId;
        }

        violations.Add("page_token", "is not a page token of this campaign's season (use next_page_token of the previous page, with the same campaign_id and season)");
        return null;
    }
}
