using Krakow.Modules.Maps.Domain.Applications;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

internal sealed class ApplicationConfiguration : IEntityTypeConfiguration<MapApplication>
{
    public void Configure(EntityTypeBuilder<MapApplication> application)
    {
        application.ToTable("applications");
        application.HasKey(a => a.Id);
        application.Property(a => a.Status).HasConversion<int>();
        application.Property(a => a.Answers)
            .HasConversion(JsonColumn.Converter<IReadOnlyDictionary<string, Answer>>(), JsonColumn.Comparer<IReadOnlyDictionary<string, Answer>>());
        application.Property(a => a.CrossListingOptOuts)
            .HasConversion(JsonColumn.Converter<IReadOnlyList<string>>(), JsonColumn.Comparer<IReadOnlyList<string>>());
        application.Property(a => a.SubmittedAt).HasConversion(UtcColumn.Converter);
        application.Property(a => a.UpdatedAt).HasConversion(UtcColumn.Converter);
        application.Property(a => a.QueuedAt).HasConversion(UtcColumn.Converter);
        application.Property(a => a.Version).IsConcurrencyToken();

        // A retried submission finds its first attempt by this index; two racing attempts cannot both insert.
        application.HasIndex(a => new { a.CampaignId, a.IdempotencyKey }).IsUnique();
        application.HasIndex(a => new { a.Status, a.QueuedAt, a.Id });
    }
}
