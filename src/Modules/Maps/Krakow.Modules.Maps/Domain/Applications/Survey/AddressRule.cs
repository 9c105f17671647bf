using System.Text.RegularExpressions;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Domain.Applications.Survey;

/// <summary>A Polish postal address: street, building number (e.g. 16D, 20/22), postal code NN-NNN and city, all required.</summary>
internal sealed partial class AddressRule : IAnswerRule
{
    public AnswerKind Expects => AnswerKind.Address;

    public Answer? Check(SurveyField field, Answer answer, string path, AnswerContext context, AnswerViolations violations)
    {
        var address = answer.Address!;
        var street = Part(address.Street, 200, path + ".street", null, null, violations);
        var building = Part(address.BuildingNumber, 20, path + ".building_number", BuildingNumberPattern(), "must be a building number such as 16, 16D, 20/22 or 5A/3", violations);
        var postalCode = Part(address.PostalCode, 6, path + ".postal_code", PostalCodePattern(), "must be a Polish postal code NN-NNN, such as 31-004", violations);
        var city = Part(address.City, 100, path + ".city", CityPattern(), "must be a place name (letters, spaces, hyphens, apostrophes and dots)", violations);
        return street is null || building is null || postalCode is null || city is null
            ? null
            : Answer.OfAddress(new PostalAddress(street, building, postalCode, city));
    }

    private static string? Part(string raw, int maxLength, string path, Regex? pattern, string? patternRule, AnswerViolations violations)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            violations.Add(path, "is required");
            return null;
        }

        var text = TextPolicy.Clean(raw, multiline: false, maxLength, path, violations);
        if (text is not null && pattern is not null && !pattern.IsMatch(text))
        {
            violations.Add(path, patternRule!);
            return null;
        }

        return text;
    }

    [GeneratedRegex(@"\A[0-9]{1,5}[A-Za-z]?(?: ?[/-] ?[0-9]{1,5}[A-Za-z]?)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex BuildingNumberPattern();

    [GeneratedRegex(@"\A[0-9]{2}-[0-9]{3}\z", RegexOptions.CultureInvariant)]
    private static partial Regex PostalCodePattern();

    [GeneratedRegex(@"\A\p{L}[\p{L}\p{M} .'-]*\z", RegexOptions.CultureInvariant)]
    private static partial Regex CityPattern();
}
