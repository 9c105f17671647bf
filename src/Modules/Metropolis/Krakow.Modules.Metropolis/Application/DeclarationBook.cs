using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Metropolis.Contracts;
using Krakow.Modules.Metropolis.Domain;
using Krakow.Modules.Metropolis.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Krakow.Modules.Metropolis.Application;

/// <summary>Signing declarations: each member municipality once, only for itself.</summary>
internal sealed class DeclarationBook(MetropolisDbContext db, MemberDirectory members, TimeProvider clock)
{
    /// <summary>The API key name a municipality calls with: "teryt:" and its TERYT code.</summary>
    public static string CallerNameOf(string municipalityId) => "teryt:" + municipalityId;

    public async Task<IReadOnlyList<Declaration>> ListDeclarationsAsync(CancellationToken cancellationToken) =>
        await db.Declarations.AsNoTracking().OrderBy(d => d.Id).ToListAsync(cancellationToken);

    public async Task<(DeclarationSignature Signature, MemberSnapshot Municipality)> SignAsync(
        string declarationId, string municipalityId, string signedBy, string? callerName, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        violations.RequireId(declarationId, "declaration_id");
        violations.Require(MemberId.IsMunicipalityCode(municipalityId), "municipality_id", "must be the 7-digit TERYT code of a member municipality");
        violations.Require(!string.IsNullOrWhiteSpace(signedBy) && signedBy.Length <= 200, "signed_by", "is required, at most 200 characters");
        violations.ThrowIfAny();

        if (callerName != CallerNameOf(municipalityId))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Only municipality {municipalityId} may sign for itself; you are '{callerName}'."));
        }

        if (!await db.Declarations.AnyAsync(d => d.Id == declarationId, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Declaration '{declarationId}' does not exist."));
        }

        var municipality = await members.FindAsync(municipalityId, cancellationToken);
        if (municipality is not { Kind: MemberKind.Municipality })
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Municipality {municipalityId} is not a member of the Kraków Metropolis."));
        }

        if (await db.Signatures.AnyAsync(s => s.DeclarationId == declarationId && s.MunicipalityId == municipalityId, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Municipality {municipalityId} has already signed '{declarationId}'."));
        }

        var signature = DeclarationSignature.Create(declarationId, municipalityId, signedBy, clock.GetUtcNow());
        db.Signatures.Add(signature);
        db.Publish(new DeclarationSigned(declarationId, municipalityId, signature.SignedBy));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Two signing calls raced; the primary key kept the second one out.
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"Municipality {municipalityId} has already signed '{declarationId}'."));
        }

        return (signature, municipality);
    }

    public async Task<IReadOnlyList<(DeclarationSignature Signature, MemberSnapshot? Municipality)>> ListSignaturesAsync(string declarationId, CancellationToken cancellationToken)
    {
        var violations = new FieldViolations();
        violations.RequireId(declarationId, "declaration_id");
        violations.ThrowIfAny();

        if (!await db.Declarations.AnyAsync(d => d.Id == declarationId, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"Declaration '{declarationId}' does not exist."));
        }

        var signatures = await db.Signatures.AsNoTracking().Where(s => s.DeclarationId == declarationId).OrderBy(s => s.MunicipalityId).ToListAsync(cancellationToken);
        var all = await members.ListAsync(cancellationToken);
        return signatures.Select(s => (s, all.FirstOrDefault(m => m.Id == s.MunicipalityId))).ToList();
    }
}
