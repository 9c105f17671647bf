namespace Krakow.Modules.Metropolis.Domain;

/// <summary>An institutional declaration that member municipalities sign.</summary>
internal sealed class Declaration
{
    private Declaration()
    {
    }

    public string Id { get; private set; } = string.Empty;

    public string TitlePl { get; private set; } = string.Empty;

    public string TitleEn { get; private set; } = string.Empty;

    public DateTimeOffset OpenedAt { get; private set; }
}

/// <summary>One municipality's signature; a municipality signs a declaration once.</summary>
internal sealed class DeclarationSignature
{
    private DeclarationSignature()
    {
    }

    public string DeclarationId { get; private set; } = string.Empty;

    public string MunicipalityId { get; private set; } = string.Empty;

    public string SignedBy { get; private set; } = string.Empty;

    public DateTimeOffset SignedAt { get; private set; }

    public static DeclarationSignature Create(string declarationId, string municipalityId, string signedBy, DateTimeOffset now) => new()
    {
        DeclarationId = declarationId,
        MunicipalityId = municipalityId,
        SignedBy = signedBy.Trim(),
        SignedAt = now,
    };
}
