using System.Globalization;
using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Plugins.Sdk;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>An administrator's request to open the next season of a campaign.</summary>
/// <param name="ExpectedSeason">0, or the number the caller means to open: guards a retried call from opening two seasons.</param>
/// <param name="CloseCurrentSeason">End the current season now if it has not ended yet (otherwise that is refused).</param>
internal sealed record OpenSeasonCommand(
    string CampaignId, DateTimeOffset StartsAt, DateTimeOffset? EndsAt, bool CloseCurrentSeason, int ExpectedSeason, string OpenedBy);

/// <summary>One season of a campaign; <see cref="OpenedBy"/> is empty (and <see cref="OpenedAt"/> null) for the plugin's own season.</summary>
internal sealed record SeasonView(
    string CampaignId, int Number, CampaignWindow Window, CampaignStatus Status, string OpenedBy, DateTimeOffset? OpenedAt, int Invited);

/// <summary>A page of a season's archived listings; <see cref="NextAfterId"/> is where the next page starts (null: none).</summary>
internal sealed record ArchivePage(IReadOnlyList<Listing> Listings, string? NextAfterId);

/// <summary>
/// Seasons (domain.md §1, "Campaign end"): opening the next season of a campaign, listing a campaign's seasons, and
/// reading the archive — the listings of a season that is off the live map.
/// </summary>
/// <remarks>
/// <para>Opening a season adds its row and one invitation to re-confirm per application APPROVED in the season it
/// supersedes, in one transaction. The new season becomes the campaign's current one at once (the catalogue is
/// reloaded before the call answers); the season before it is ARCHIVED: its listings leave the live map.</para>
/// <para>The current season must have ended first. An administrator who wants to end it early says so with
/// <see cref="OpenSeasonCommand.CloseCurrentSeason"/>: an indefinite campaign (I'm ACTIVE) can only get a new season
/// that way. The new window must start now or later (a minute's tolerance for clock skew) and end after it starts,
/// or run indefinitely.</para>
/// </remarks>
internal sealed class SeasonDesk(MapsDbContext db, SeasonalCampaignCatalog catalog, TimeProvider clock)
{
    /// <summary>How far in the past a new season may start (a request takes a moment to arrive).</summary>
    private static readonly TimeSpan StartTolerance = TimeSpan.FromMinutes(1);

    public async Task<SeasonView> OpenNextAsync(OpenSeasonCommand command, CancellationToken cancellationToken)
    {
        // Seasons opened by another instance count: the next number is decided on the rows as they are now.
        await catalog.ReloadAsync(cancellationToken);
        var campaign = RequireCampaign(command.CampaignId);
        var now = clock.GetUtcNow();

        // A retry of a request that went through is told so first, however long after its window's start it comes.
        var next = campaign.Season + 1;
        if (command.ExpectedSeason != 0 && command.ExpectedSeason <= campaign.Season)
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Season {command.ExpectedSeason} of campaign '{campaign.Id}' already exists; the current season is {campaign.Season}."));
        }

        var violations = new FieldViolations();
        violations.Require(
            command.StartsAt >= now - StartTolerance,
            "window.starts_at",
            $"must not be in the past (now is {Instant(now)})");
        violations.Require(
            command.EndsAt is not { } end || end > command.StartsAt,
            "window.ends_at",
            "must be after window.starts_at (or absent: the season runs indefinitely)");
        violations.ThrowIfAny();

        if (command.ExpectedSeason != 0 && command.ExpectedSeason != next)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"The next season of campaign '{campaign.Id}' is {next}, not {command.ExpectedSeason}."));
        }

        var status = campaign.StatusAt(now);
        if ((status is CampaignStatus.Open or CampaignStatus.Upcoming) && !command.CloseCurrentSeason)
        {
            var window = campaign.Definition.Window;
            var until = window.EndsAt is { } ends ? $"until {Instant(ends)}" : "indefinitely";
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                $"Season {campaign.Season} of campaign '{campaign.Id}' is {Describe(status)} ({Instant(window.StartsAt)} {until}): open the next season once it has ended, or set close_current_season to end it now."));
        }

        var openedAt = now.UtcDateTime;
        db.Set<CampaignSeasonRecord>().Add(new CampaignSeasonRecord
        {
            CampaignId = campaign.Id,
            Season = next,
            StartsAt = command.StartsAt.UtcDateTime,
            EndsAt = command.EndsAt?.UtcDateTime,
            OpenedBy = command.OpenedBy,
            OpenedAt = openedAt,
        });

        var participants = await db.Applications.AsNoTracking()
            .Where(a => a.CampaignId == campaign.Id && a.Season == campaign.Season && a.Status == ApplicationStatus.Approved)
            .Select(a => a.Id)
            .ToListAsync(cancellationToken);
        db.Set<ReconfirmationInvitation>().AddRange(participants.Select(id => new ReconfirmationInvitation
        {
            ApplicationId = id,
            Season = next,
            CampaignId = campaign.Id,
            InvitedAt = openedAt,
        }));

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            throw new RpcException(new Status(
                StatusCode.Aborted,
                $"Season {next} of campaign '{campaign.Id}' was opened by someone else at the same time; read the seasons and decide again."));
        }

        await catalog.ReloadAsync(cancellationToken);
        var opened = catalog.Find(campaign.Id) is { Season: var season } current && season == next ? current : null;
        var openedWindow = new CampaignWindow(command.StartsAt, command.EndsAt);
        return new SeasonView(
            campaign.Id,
            next,
            openedWindow,
            opened?.StatusAt(clock.GetUtcNow()) ?? CampaignStatus.Archived,
            command.OpenedBy,
            new DateTimeOffset(openedAt, TimeSpan.Zero),
            participants.Count);
    }

    /// <summary>Every season of the campaign, newest first, with who opened it and how many were invited to re-confirm.</summary>
    public async Task<IReadOnlyList<SeasonView>> ListAsync(string campaignId, CancellationToken cancellationToken)
    {
        var seasons = catalog.SeasonsOf(campaignId);
        if (seasons.Count == 0)
        {
            throw CampaignNotFound(campaignId);
        }

        var rows = await db.Set<CampaignSeasonRecord>().AsNoTracking()
            .Where(s => s.CampaignId == campaignId)
            .ToDictionaryAsync(s => s.Season, cancellationToken);
        var invited = await db.Set<ReconfirmationInvitation>().AsNoTracking()
            .Where(i => i.CampaignId == campaignId)
            .GroupBy(i => i.Season)
            .Select(g => new { Season = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Season, g => g.Count, cancellationToken);

        var now = clock.GetUtcNow();
        return seasons
            .Select(s => rows.TryGetValue(s.Season, out var row)
                ? new SeasonView(s.Id, s.Season, s.Definition.Window, s.StatusAt(now), row.OpenedBy, new DateTimeOffset(row.OpenedAt, TimeSpan.Zero), invited.GetValueOrDefault(s.Season))
                : new SeasonView(s.Id, s.Season, s.Definition.Window, s.StatusAt(now), string.Empty, null, 0))
            .ToList();
    }

    /// <summary>
    /// A page of the listings of season <paramref name="season"/>, by listing id: only a season off the live map
    /// (closed or archived) is the archive; the live one is searched with the Listings service.
    /// </summary>
    public async Task<ArchivePage> ArchiveAsync(string campaignId, int season, int pageSize, string? afterId, CancellationToken cancellationToken)
    {
        var seasons = catalog.SeasonsOf(campaignId);
        if (seasons.Count == 0)
        {
            throw CampaignNotFound(campaignId);
        }

        var snapshot = seasons.FirstOrDefault(s => s.Season == season)
            ?? throw new RpcException(new Status(
                StatusCode.NotFound,
                $"Campaign '{campaignId}' has no season {season}; its seasons are {string.Join(", ", seasons.Select(s => s.Season).Order())}."));
        var status = snapshot.StatusAt(clock.GetUtcNow());
        if (status is CampaignStatus.Open or CampaignStatus.Upcoming)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                status == CampaignStatus.Open
                    ? $"Season {season} of campaign '{campaignId}' is open: its listings are on the live map (search them with krakow.maps.v1.Listings), not in the archive."
                    : $"Season {season} of campaign '{campaignId}' has not started yet: it has no archive."));
        }

        var query = db.Listings.AsNoTracking().Where(l => l.CampaignId == campaignId && l.Season == season);
        if (afterId is not null)
        {
            query = query.Where(l => string.Compare(l.Id, afterId) > 0);
        }

        var page = await query.OrderBy(l => l.Id).Take(pageSize + 1).ToListAsync(cancellationToken);
        return page.Count > pageSize
            ? new ArchivePage(page.Take(pageSize).ToList(), page[pageSize - 1].Id)
            : new ArchivePage(page, null);
    }

    private CampaignSnapshot RequireCampaign(string campaignId) => catalog.Find(campaignId) ?? throw CampaignNotFound(campaignId);

    private static RpcException CampaignNotFound(string campaignId) =>
        new(new Status(StatusCode.NotFound, $"Campaign '{campaignId}' does not exist."));

    private static string Describe(CampaignStatus status) => status.ToString().ToLowerInvariant();

    private static string Instant(DateTimeOffset instant) => instant.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
