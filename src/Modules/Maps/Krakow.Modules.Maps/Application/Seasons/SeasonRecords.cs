using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>
/// A season an administrator opened (table <c>campaign_seasons</c>). A campaign's first season is the window its
/// plugin's manifest declares and has no row; each row is a later season, with its own window. Rows are never
/// changed or deleted: the latest is the campaign's current season, the others are archived.
/// </summary>
internal sealed class CampaignSeasonRecord
{
    public string CampaignId { get; set; } = string.Empty;

    public int Season { get; set; }

    public DateTime StartsAt { get; set; }

    /// <summary>Null: the season runs indefinitely.</summary>
    public DateTime? EndsAt { get; set; }

    /// <summary>The administrator's API key holder.</summary>
    public string OpenedBy { get; set; } = string.Empty;

    public DateTime OpenedAt { get; set; }
}

/// <summary>
/// An invitation to re-confirm (table <c>reconfirmation_invitations</c>): opening season <see cref="Season"/> of a
/// campaign invites every application APPROVED in the season before it. Re-confirming fills
/// <see cref="ReconfirmedApplicationId"/> with the new application, once.
/// </summary>
internal sealed class ReconfirmationInvitation
{
    /// <summary>Last season's application, the one invited.</summary>
    public string ApplicationId { get; set; } = string.Empty;

    /// <summary>The season it is invited into.</summary>
    public int Season { get; set; }

    public string CampaignId { get; set; } = string.Empty;

    public DateTime InvitedAt { get; set; }

    /// <summary>The application the re-confirmation made in <see cref="Season"/>; null while the invitation is pending.</summary>
    public string? ReconfirmedApplicationId { get; set; }

    public DateTime? ReconfirmedAt { get; set; }
}

/// <summary>The EF Core mapping of the seasons tables (scripts <c>0003_seasons.sql</c>); applied by <c>MapsDbContext</c>.</summary>
internal static class SeasonsModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<CampaignSeasonRecord>(season =>
        {
            season.ToTable("campaign_seasons");
            season.HasKey(s => new { s.CampaignId, s.Season });
            season.Property(s => s.StartsAt).HasConversion(UtcColumn.Converter);
            season.Property(s => s.EndsAt).HasConversion(UtcColumn.Converter);
            season.Property(s => s.OpenedAt).HasConversion(UtcColumn.Converter);
        });

        model.Entity<ReconfirmationInvitation>(invitation =>
        {
            invitation.ToTable("reconfirmation_invitations");
            invitation.HasKey(i => new { i.ApplicationId, i.Season });
            invitation.Property(i => i.InvitedAt).HasConversion(UtcColumn.Converter);
            invitation.Property(i => i.ReconfirmedAt).HasConversion(UtcColumn.Converter);
            invitation.HasIndex(i => new { i.CampaignId, i.Season });
            invitation.HasIndex(i => i.ReconfirmedApplicationId);

            // Known to EF so that a re-confirmation inserts its new application before it points the invitation at it.
            invitation.HasOne<MapApplication>().WithMany().HasForeignKey(i => i.ApplicationId);
            invitation.HasOne<MapApplication>().WithMany().HasForeignKey(i => i.ReconfirmedApplicationId);
        });
    }
}
