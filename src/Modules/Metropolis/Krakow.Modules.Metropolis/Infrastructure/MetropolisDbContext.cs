using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Metropolis.Domain;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Metropolis.Infrastructure;

internal sealed class MetropolisDbContext(DbContextOptions<MetropolisDbContext> options) : ModuleDbContext(options)
{
    public override string Schema => "metropolis";

    public DbSet<Member> Members => Set<Member>();

    public DbSet<Declaration> Declarations => Set<Declaration>();

    public DbSet<DeclarationSignature> Signatures => Set<DeclarationSignature>();

    protected override void ConfigureModel(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Member>(member =>
        {
            member.ToTable("members");
            member.HasKey(m => m.Id);
            member.Property(m => m.Kind).HasConversion<int>();
        });
        modelBuilder.Entity<Declaration>(declaration =>
        {
            declaration.ToTable("declarations");
            declaration.HasKey(d => d.Id);
        });
        modelBuilder.Entity<DeclarationSignature>(signature =>
        {
            signature.ToTable("declaration_signatures");
            signature.HasKey(s => new { s.DeclarationId, s.MunicipalityId });
        });
    }
}
