using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

/// <summary>A secret the module generated for itself and keeps in its database, shared by every host instance.</summary>
internal sealed class ModuleSecret
{
    public string Name { get; set; } = string.Empty;

    public byte[] Value { get; set; } = [];

    public DateTime CreatedAt { get; set; }
}

internal sealed class ModuleSecretConfiguration : IEntityTypeConfiguration<ModuleSecret>
{
    public void Configure(EntityTypeBuilder<ModuleSecret> secret)
    {
        secret.ToTable("secrets");
        secret.HasKey(s => s.Name);
        secret.Property(s => s.CreatedAt).HasConversion(UtcColumn.Converter);
    }
}
