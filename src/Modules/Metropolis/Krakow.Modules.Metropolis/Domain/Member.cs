using Krakow.BuildingBlocks.Validation;

namespace Krakow.Modules.Metropolis.Domain;

internal enum MemberKind
{
    Municipality = 1,
    PartnerCity = 2,
    Network = 3,
}

/// <summary>A member municipality, partner city or network of the registry.</summary>
internal sealed class Member
{
    private Member()
    {
    }

    public string Id { get; private set; } = string.Empty;

    public MemberKind Kind { get; private set; }

    public string NamePl { get; private set; } = string.Empty;

    public string NameEn { get; private set; } = string.Empty;

    public string CountryCode { get; private set; } = string.Empty;

    /// <summary>When the member joined, where the registry knows it.</summary>
    public DateTimeOffset? JoinedAt { get; private set; }

    public DateTimeOffset RegisteredAt { get; private set; }

    /// <summary>Checks every rule at once; the violations name the request fields.</summary>
    public static Member Register(string id, MemberKind? kind, string namePl, string nameEn, string countryCode, DateTimeOffset? joinedAt, DateTimeOffset now)
    {
        var violations = new FieldViolations();
        violations.Require(kind is not null, "kind", "must be MUNICIPALITY, PARTNER_CITY or NETWORK");
        if (kind == MemberKind.Municipality)
        {
            violations.Require(MemberId.IsMunicipalityCode(id), "id", "must be the 7-digit TERYT code of a Małopolska municipality (e.g. 1261011)");
            violations.Require(countryCode == "PL", "country_code", "must be PL for a municipality of the Metropolis");
        }
        else if (kind is not null)
        {
            violations.Require(MemberId.IsSlug(id), "id", "must be a lower-case slug of 2 to 63 letters, digits and hyphens");
        }

        RequireName(violations, namePl, "name.pl");
        RequireName(violations, nameEn, "name.en");
        violations.Require(countryCode.Length == 2 && countryCode.All(char.IsAsciiLetterUpper), "country_code", "must be an ISO 3166-1 alpha-2 code such as PL");
        violations.Require(joinedAt is null || joinedAt <= now, "joined_at", "must not be in the future");
        violations.ThrowIfAny();

        return new Member
        {
            Id = id,
            Kind = kind!.Value,
            NamePl = namePl.Trim(),
            NameEn = nameEn.Trim(),
            CountryCode = countryCode,
            JoinedAt = joinedAt,
            RegisteredAt = now,
        };
    }

    private static void RequireName(FieldViolations violations, string name, string field) =>
        violations.Require(!string.IsNullOrWhiteSpace(name) && name.Length <= 200, field, "is required, at most 200 characters");
}
