using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Application.Seasons;
using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Images;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Domain.Moderation;
using Krakow.Modules.Maps.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Infrastructure;

/// <summary>
/// The Maps module's data: applications and their moderation decisions, offer images (metadata; the bytes are in
/// the blob folder), listings and the feed of their changes, and the module's generated secrets. Tables are built
/// by the scripts in Infrastructure/Migrations; the mappings are in Infrastructure/Persistence.
/// </summary>
internal sealed class MapsDbContext(DbContextOptions<MapsDbContext> options) : ModuleDbContext(options)
{
    public override string Schema => "maps";

    public DbSet<Listing> Listings => Set<Listing>();

    public DbSet<ListingChange> ListingChanges => Set<ListingChange>();

    public DbSet<MapApplication> Applications => Set<MapApplication>();

    public DbSet<ModerationDecision> Decisions => Set<ModerationDecision>();

    public DbSet<OfferImage> OfferImages => Set<OfferImage>();

    public DbSet<ApplicationImage> ApplicationImages => Set<ApplicationImage>();

    public DbSet<ModuleSecret> Secrets => Set<ModuleSecret>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfiguration(new ListingConfiguration());
        modelBuilder.ApplyConfiguration(new ListingChangeConfiguration());
        modelBuilder.ApplyConfiguration(new ApplicationConfiguration());
        modelBuilder.ApplyConfiguration(new DecisionConfiguration());
        modelBuilder.ApplyConfiguration(new OfferImageConfiguration());
        modelBuilder.ApplyConfiguration(new ApplicationImageConfiguration());
        modelBuilder.ApplyConfiguration(new ModuleSecretConfiguration());

        // Seasons and re-confirmation invitations (Application/Seasons, scripts 0003_seasons.sql).
        SeasonsModel.Configure(modelBuilder);
    }
}
