namespace Krakow.Modules.Metropolis.Contracts;

/// <summary>Read access to the Kraków Metropolis member municipalities, for other modules (e.g. map eligibility areas).</summary>
public interface IMetropolisMembers
{
    Task<IReadOnlyList<MemberMunicipality>> ListMunicipalitiesAsync(CancellationToken cancellationToken);

    Task<MemberMunicipality?> FindMunicipalityAsync(string terytCode, CancellationToken cancellationToken);
}

/// <summary>A member municipality: its 7-digit TERYT code and its names.</summary>
public sealed record MemberMunicipality(string TerytCode, string NamePl, string NameEn);
