using Google.Protobuf.WellKnownTypes;
using Krakow.Common.V1;
using Krakow.Metropolis.V1;
using Krakow.Modules.Metropolis.Application;
using Krakow.Modules.Metropolis.Domain;

namespace Krakow.Modules.Metropolis.Api;

/// <summary>Between the module's model and its public protos.</summary>
internal static class MetropolisMapping
{
    public static Krakow.Metropolis.V1.Member ToProto(this MemberSnapshot member)
    {
        var proto = new Krakow.Metropolis.V1.Member
        {
            Id = member.Id,
            Kind = member.Kind.ToProto(),
            Name = new LocalizedText { Pl = member.NamePl, En = member.NameEn },
            CountryCode = member.CountryCode,
            RegisteredAt = Timestamp.FromDateTimeOffset(member.RegisteredAt),
        };
        if (member.JoinedAt is { } joined)
        {
            proto.JoinedAt = Timestamp.FromDateTimeOffset(joined);
        }

        return proto;
    }

    public static Krakow.Metropolis.V1.MemberKind ToProto(this Domain.MemberKind kind) => kind switch
    {
        Domain.MemberKind.Municipality => Krakow.Metropolis.V1.MemberKind.Municipality,
        Domain.MemberKind.PartnerCity => Krakow.Metropolis.V1.MemberKind.PartnerCity,
        _ => Krakow.Metropolis.V1.MemberKind.Network,
    };

    /// <summary>Null for UNSPECIFIED or an unknown number.</summary>
    public static Domain.MemberKind? ToDomain(this Krakow.Metropolis.V1.MemberKind kind) => kind switch
    {
        Krakow.Metropolis.V1.MemberKind.Municipality => Domain.MemberKind.Municipality,
        Krakow.Metropolis.V1.MemberKind.PartnerCity => Domain.MemberKind.PartnerCity,
        Krakow.Metropolis.V1.MemberKind.Network => Domain.MemberKind.Network,
        _ => null,
    };

    public static Signature ToProto(this DeclarationSignature signature, MemberSnapshot? municipality) => new()
    {
        DeclarationId = signature.DeclarationId,
        MunicipalityId = signature.MunicipalityId,
        MunicipalityName = new LocalizedText { Pl = municipality?.NamePl ?? string.Empty, En = municipality?.NameEn ?? string.Empty },
        SignedBy = signature.SignedBy,
        SignedAt = Timestamp.FromDateTimeOffset(signature.SignedAt),
    };
}
