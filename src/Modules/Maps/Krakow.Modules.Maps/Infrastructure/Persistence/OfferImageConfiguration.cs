using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

internal sealed class OfferImageConfiguration : IEntityTypeConfiguration<OfferImage>
{
    public void Configure(EntityTypeBuilder<OfferImage> image)
    {
        image.ToTable("offer_images");
        image.HasKey(i => i.Id);
        image.Property(i => i.CreatedAt).HasConversion(UtcColumn.Converter);
    }
}

internal sealed class ApplicationImageConfiguration : IEntityTypeConfiguration<ApplicationImage>
{
    public void Configure(EntityTypeBuilder<ApplicationImage> link)
    {
        link.ToTable("application_images");
        link.HasKey(l => new { l.ApplicationId, l.ImageId });
        link.Property(l => l.UploadedAt).HasConversion(UtcColumn.Converter);

        // Known to EF so that an image and its first link are inserted in that order.
        link.HasOne<MapApplication>().WithMany().HasForeignKey(l => l.ApplicationId);
        link.HasOne<OfferImage>().WithMany().HasForeignKey(l => l.ImageId);
    }
}
