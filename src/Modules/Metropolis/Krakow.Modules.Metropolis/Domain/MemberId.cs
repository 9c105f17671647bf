using System.Text.RegularExpressions;

namespace Krakow.Modules.Metropolis.Domain;

/// <summary>The identity rules of registry members.</summary>
internal static partial class MemberId
{
    /// <summary>
    /// A TERYT municipality code: voivodeship (2 digits; 12 is Małopolska, where every member of the Kraków
    /// Metropolis lies), county (2), municipality (2), and its kind (1: urban, 2: rural, 3: urban-rural, 4-5: parts).
    /// </summary>
    public static bool IsMunicipalityCode(string value) => TerytPattern().IsMatch(value);

    public static bool IsSlug(string value) => SlugPattern().IsMatch(value);

    [GeneratedRegex("^12[0-9]{4}[1-5]$")]
    private static partial Regex TerytPattern();

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$")]
    private static partial Regex SlugPattern();
}
