using Krakow.Modules.Maps.Domain.Applications;
using Krakow.Modules.Maps.Domain.Moderation;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

internal sealed class DecisionConfiguration : IEntityTypeConfiguration<ModerationDecision>
{
    public void Configure(EntityTypeBuilder<ModerationDecision> decision)
    {
        decision.ToTable("moderation_decisions");
        decision.HasKey(d => d.Id);
        decision.Property(d => d.Id).ValueGeneratedOnAdd();
        decision.Property(d => d.Kind).HasConversion<int>();
        decision.Property(d => d.Reason).HasConversion<int>();
        decision.Property(d => d.DecidedAt).HasConversion(UtcColumn.Converter);
        decision.HasOne<MapApplication>().WithMany().HasForeignKey(d => d.ApplicationId);
        decision.HasIndex(d => d.ApplicationId);
    }
}
