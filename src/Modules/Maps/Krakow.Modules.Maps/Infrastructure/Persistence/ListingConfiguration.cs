using Krakow.Modules.Maps.Domain.Listings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

internal sealed class ListingConfiguration : IEntityTypeConfiguration<Listing>
{
    public void Configure(EntityTypeBuilder<Listing> listing)
    {
        listing.ToTable("listings");
        listing.HasKey(l => l.Id);
        listing.HasIndex(l => l.ApplicationId);
        listing.HasIndex(l => new { l.CampaignId, l.Season });
    }
}

internal sealed class ListingChangeConfiguration : IEntityTypeConfiguration<ListingChange>
{
    public void Configure(EntityTypeBuilder<ListingChange> change)
    {
        change.ToTable("listing_changes");
        change.HasKey(c => c.Sequence);
        change.Property(c => c.Sequence).ValueGeneratedOnAdd();
        change.Property(c => c.Kind).HasConversion<int>();
    }
}
