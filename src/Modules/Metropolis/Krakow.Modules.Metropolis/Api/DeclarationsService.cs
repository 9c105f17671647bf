using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.Common.V1;
using Krakow.Metropolis.V1;
using Krakow.Modules.Metropolis.Application;
using Microsoft.AspNetCore.Authorization;

namespace Krakow.Modules.Metropolis.Api;

/// <summary>krakow.metropolis.v1.Declarations: public lists; a municipality signs with its own API key.</summary>
internal sealed class DeclarationsService(DeclarationBook book) : Declarations.DeclarationsBase
{
    public override async Task<ListDeclarationsResponse> ListDeclarations(ListDeclarationsRequest request, ServerCallContext context)
    {
        var response = new ListDeclarationsResponse();
        foreach (var declaration in await book.ListDeclarationsAsync(context.CancellationToken))
        {
            response.Declarations.Add(new Declaration
            {
                Id = declaration.Id,
                Title = new LocalizedText { Pl = declaration.TitlePl, En = declaration.TitleEn },
                OpenedAt = Timestamp.FromDateTimeOffset(declaration.OpenedAt),
            });
        }

        return response;
    }

    [Authorize(Policy = PlatformRoles.PartnerPolicy)]
    public override async Task<Signature> SignDeclaration(SignDeclarationRequest request, ServerCallContext context)
    {
        var caller = context.GetHttpContext().User.Identity?.Name;
        var (signature, municipality) = await book.SignAsync(request.DeclarationId, request.MunicipalityId, request.SignedBy, caller, context.CancellationToken);
        return signature.ToProto(municipality);
    }

    public override async Task<ListSignatoriesResponse> ListSignatories(ListSignatoriesRequest request, ServerCallContext context)
    {
        var response = new ListSignatoriesResponse();
        foreach (var (signature, municipality) in await book.ListSignaturesAsync(request.DeclarationId, context.CancellationToken))
        {
            response.Signatures.Add(signature.ToProto(municipality));
        }

        return response;
    }
}
