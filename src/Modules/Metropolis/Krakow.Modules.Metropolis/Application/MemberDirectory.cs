using System.Text.Json;
using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Modules.Metropolis.Contracts;
using Krakow.Modules.Metropolis.Domain;
using Krakow.Modules.Metropolis.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Distributed;

namespace Krakow.Modules.Metropolis.Application;

/// <summary>The registry's use cases. Lists are cached (they are read far more often than the registry changes).</summary>
internal sealed class MemberDirectory(MetropolisDbContext db, IDistributedCache cache, TimeProvider clock) : IMetropolisMembers
{
    private const string AllMembersCacheKey = "metropolis:members:v1";
    private static readonly DistributedCacheEntryOptions CacheEntryOptions = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10) };

    /// <summary>Every member, ordered by id; served from the cache when it holds them.</summary>
    public async Task<IReadOnlyList<MemberSnapshot>> ListAsync(CancellationToken cancellationToken)
    {
        var cached = await cache.GetAsync(AllMembersCacheKey, cancellationToken);
        if (cached is not null)
        {
            return JsonSerializer.Deserialize<List<MemberSnapshot>>(cached)!;
        }

        var members = await db.Members.AsNoTracking().OrderBy(m => m.Id).ToListAsync(cancellationToken);
        var snapshots = members.Select(MemberSnapshot.From).ToList();
        await cache.SetAsync(AllMembersCacheKey, JsonSerializer.SerializeToUtf8Bytes(snapshots), CacheEntryOptions, cancellationToken);
        return snapshots;
    }

    public async Task<MemberSnapshot?> FindAsync(string id, CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).FirstOrDefault(m => m.Id == id);

    public async Task<MemberSnapshot> RegisterAsync(string id, MemberKind? kind, string namePl, string nameEn, string countryCode, DateTimeOffset? joinedAt, CancellationToken cancellationToken)
    {
        var member = Member.Register(id, kind, namePl, nameEn, countryCode, joinedAt, clock.GetUtcNow());
        if (await db.Members.AnyAsync(m => m.Id == member.Id, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Member '{member.Id}' is already registered."));
        }

        db.Members.Add(member);
        db.Publish(new MemberRegistered(member.Id, member.Kind.ToString(), member.NamePl, member.NameEn));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Two registrations raced; the primary key kept the second one out.
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Member '{member.Id}' is already registered."));
        }

        // Saved: the stale list goes even if the caller has gone meanwhile.
        await cache.RemoveAsync(AllMembersCacheKey, CancellationToken.None);
        return MemberSnapshot.From(member);
    }

    async Task<IReadOnlyList<MemberMunicipality>> IMetropolisMembers.ListMunicipalitiesAsync(CancellationToken cancellationToken) =>
        (await ListAsync(cancellationToken)).Where(m => m.Kind == MemberKind.Municipality).Select(m => new MemberMunicipality(m.Id, m.NamePl, m.NameEn)).ToList();

    async Task<MemberMunicipality?> IMetropolisMembers.FindMunicipalityAsync(string terytCode, CancellationToken cancellationToken) =>
        await FindAsync(terytCode, cancellationToken) is { Kind: MemberKind.Municipality } m ? new MemberMunicipality(m.Id, m.NamePl, m.NameEn) : null;
}

/// <summary>A member as read models and the cache hold it.</summary>
internal sealed record MemberSnapshot(string Id, MemberKind Kind, string NamePl, string NameEn, string CountryCode, DateTimeOffset? JoinedAt, DateTimeOffset RegisteredAt)
{
    public static MemberSnapshot From(Member member) =>
        new(member.Id, member.Kind, member.NamePl, member.NameEn, member.CountryCode, member.JoinedAt, member.RegisteredAt);
}
