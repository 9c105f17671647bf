using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Maps.Domain.Listings;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Maps.Infrastructure;

internal sealed class MapsDbContext(DbContextOptions<MapsDbContext> options) : ModuleDbContext(options)
{
    public override string Schema => "maps";

    public DbSet<Listing> Listings => Set<Listing>();

    public DbSet<ListingChange> ListingChanges => Set<ListingChange>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Listing>(listing =>
        {
            listing.ToTable("listings");
            listing.HasKey(l => l.Id);
            listing.HasIndex(l => l.ApplicationId);
            listing.HasIndex(l => new { l.CampaignId, l.Season });
        });
        modelBuilder.Entity<ListingChange>(change =>
        {
            change.ToTable("listing_changes");
            change.HasKey(c => c.Sequence);
            change.Property(c => c.Sequence).ValueGeneratedOnAdd();
            change.Property(c => c.Kind).HasConversion<int>();
        });
    }
}
