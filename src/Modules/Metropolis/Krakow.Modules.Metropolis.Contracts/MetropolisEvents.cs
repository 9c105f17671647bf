using Krakow.BuildingBlocks.Contracts.Events;

namespace Krakow.Modules.Metropolis.Contracts;

/// <summary>A municipality, partner city or network was added to the registry.</summary>
public sealed record MemberRegistered(string MemberId, string Kind, string NamePl, string NameEn) : IntegrationEvent;

/// <summary>A member municipality signed an institutional declaration.</summary>
public sealed record DeclarationSigned(string DeclarationId, string MunicipalityId, string SignedBy) : IntegrationEvent;
