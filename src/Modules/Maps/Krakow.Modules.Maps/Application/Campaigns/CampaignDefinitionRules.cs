using System.Text.RegularExpressions;
using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Application.Campaigns;

/// <summary>
/// What makes a campaign a plugin describes acceptable to the platform. <see cref="Detach"/> first copies the
/// definition into host-made collections (a plugin may hand back list types of its own whose code would run on
/// every read, and which would keep its load context alive), then <see cref="Validate"/> checks the copy.
/// </summary>
internal static partial class CampaignDefinitionRules
{
    public const int MaxTextLength = 10_000;
    public const int MaxNameLength = 200;
    public const int MaxCategories = 200;
    public const int MaxFields = 100;
    public const int MaxOptions = 200;
    public const int MaxAreas = 50;
    public const int MaxVertices = 10_000;
    public const int MaxCrossListings = 20;
    public const double MaxRadiusMeters = 1_000_000;

    /// <summary>Fields the host builds every listing from: they must be required whatever the campaign says.</summary>
    private static readonly HashSet<string> ListingFields = [StandardFields.BusinessName, StandardFields.Category, StandardFields.Location];

    private static readonly HashSet<FieldType> TextTypes =
        [FieldType.Text, FieldType.LongText, FieldType.Url, FieldType.Email, FieldType.Phone, FieldType.Address];

    /// <summary>
    /// A copy of <paramref name="definition"/> made only of SDK records, strings and arrays; runs plugin code (its
    /// collections' enumerators), so the caller runs it under the plugin's time limit.
    /// </summary>
    /// <exception cref="InvalidCampaignException">Parts are missing or of types the platform does not know.</exception>
    public static CampaignDefinition Detach(CampaignDefinition? definition)
    {
        if (definition is null)
        {
            throw new InvalidCampaignException("Describe returned null");
        }

        var problems = new List<string>();
        var copy = new CampaignDefinition
        {
            Id = definition.Id,
            Name = Text(definition.Name),
            Description = Text(definition.Description),
            Window = definition.Window is { } window ? new CampaignWindow(window.StartsAt, window.EndsAt) : Missing<CampaignWindow>("window", problems),
            Categories = List(definition.Categories, "categories", problems)
                .Select(c => c is null ? Missing<CampaignCategory>("a category", problems) : new CampaignCategory(c.Id, Text(c.Name), c.Catering))
                .ToArray(),
            Survey = definition.Survey is { } survey
                ? new SurveySchema(List(survey.Fields, "survey fields", problems).Select(f => CopyField(f, problems)).ToArray())
                : Missing<SurveySchema>("survey", problems),
            Eligibility = definition.Eligibility is { } eligibility
                ? new Eligibility(Text(eligibility.AreaDescription), List(eligibility.Areas, "eligibility areas", problems).Select(a => CopyArea(a, problems)).ToArray())
                : Missing<Eligibility>("eligibility", problems),
            CrossListings = List(definition.CrossListings, "cross-listings", problems)
                .Select(r => r is null ? Missing<CrossListingRule>("a cross-listing rule", problems) : new CrossListingRule(r.TargetCampaignId, r.OnlyCatering))
                .ToArray(),
            AcceptsOfferImage = definition.AcceptsOfferImage,
        };
        if (problems.Count > 0)
        {
            throw new InvalidCampaignException(string.Join("; ", problems.Distinct()));
        }

        return copy;
    }

    /// <summary>Every rule <paramref name="definition"/> (a <see cref="Detach"/>ed copy) breaks; empty when it is acceptable.</summary>
    public static IReadOnlyList<string> Validate(CampaignDefinition definition, string expectedId)
    {
        var problems = new List<string>();
        if (!string.Equals(definition.Id, expectedId, StringComparison.Ordinal))
        {
            problems.Add($"campaign id '{definition.Id}' must equal the manifest's id '{expectedId}'");
        }

        CheckText(definition.Name, "name", MaxNameLength, problems);
        CheckText(definition.Description, "description", MaxTextLength, problems);
        if (definition.Window.EndsAt is { } end && end <= definition.Window.StartsAt)
        {
            problems.Add($"window ends ({end:O}) before it starts ({definition.Window.StartsAt:O})");
        }

        CheckCategories(definition.Categories, problems);
        CheckSurvey(definition, problems);
        CheckEligibility(definition.Eligibility, problems);
        CheckCrossListings(definition, problems);
        return problems;
    }

    private static void CheckCategories(IReadOnlyList<CampaignCategory> categories, List<string> problems)
    {
        if (categories.Count is 0 or > MaxCategories)
        {
            problems.Add($"a campaign needs 1 to {MaxCategories} categories, not {categories.Count}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var category in categories)
        {
            if (category.Id is null || !OptionIdPattern().IsMatch(category.Id) || !char.IsAsciiLetterLower(category.Id[0]))
            {
                problems.Add($"category id '{category.Id}' must match ^[a-z][a-z0-9_-]{{0,62}}$");
            }
            else if (!seen.Add(category.Id))
            {
                problems.Add($"category id '{category.Id}' appears twice");
            }

            CheckText(category.Name, $"category '{category.Id}' name", MaxNameLength, problems);
        }
    }

    private static void CheckSurvey(CampaignDefinition definition, List<string> problems)
    {
        var fields = definition.Survey.Fields;
        if (fields.Count > MaxFields)
        {
            problems.Add($"the survey has {fields.Count} fields; at most {MaxFields} are allowed");
        }

        var byId = new Dictionary<string, SurveyField>(StringComparer.Ordinal);
        foreach (var field in fields)
        {
            if (field.Id is null || !FieldIdPattern().IsMatch(field.Id))
            {
                problems.Add($"survey field id '{field.Id}' must match ^[a-z][a-z0-9_]{{0,62}}$");
                continue;
            }

            if (!byId.TryAdd(field.Id, field))
            {
                problems.Add($"survey field '{field.Id}' appears twice");
                continue;
            }

            CheckField(field, definition.AcceptsOfferImage, problems);
        }

        foreach (var expected in StandardFields.For(definition.Categories, definition.AcceptsOfferImage))
        {
            if (!byId.TryGetValue(expected.Id, out var actual))
            {
                problems.Add($"standard survey field '{expected.Id}' is missing (SurveySchema.Create adds the standard fields)");
                continue;
            }

            if (actual.Type != expected.Type)
            {
                problems.Add($"standard survey field '{expected.Id}' must be {expected.Type}, not {actual.Type}");
            }

            if (ListingFields.Contains(expected.Id) && !actual.Required)
            {
                problems.Add($"standard survey field '{expected.Id}' must be required");
            }
        }

        if (byId.TryGetValue(StandardFields.Category, out var category) && category.Type == FieldType.SingleChoice
            && !category.Options.Select(o => o.Id).ToHashSet(StringComparer.Ordinal).SetEquals(definition.Categories.Select(c => c.Id)))
        {
            problems.Add($"the options of survey field '{StandardFields.Category}' must be exactly the campaign's categories");
        }
    }

    private static void CheckField(SurveyField field, bool acceptsOfferImage, List<string> problems)
    {
        var label = $"survey field '{field.Id}'";
        if (!Enum.IsDefined(field.Type))
        {
            problems.Add($"{label} has an unknown type {(int)field.Type}");
            return;
        }

        CheckText(field.Label, $"{label} label", MaxNameLength, problems);
        if (field.Help is not null)
        {
            CheckText(field.Help, $"{label} help", MaxTextLength, problems);
        }

        if (field.MaxLength is { } maxLength && (!TextTypes.Contains(field.Type) || maxLength is < 1 or > MaxTextLength))
        {
            problems.Add(TextTypes.Contains(field.Type)
                ? $"{label} MaxLength must be 1 to {MaxTextLength}, not {maxLength}"
                : $"{label} is {field.Type}: MaxLength must be null");
        }

        if (field.Min is not null || field.Max is not null)
        {
            if (field.Type != FieldType.Number)
            {
                problems.Add($"{label} is {field.Type}: Min and Max must be null");
            }
            else if ((field.Min is { } min && !double.IsFinite(min)) || (field.Max is { } max && !double.IsFinite(max)))
            {
                problems.Add($"{label} Min and Max must be finite numbers");
            }
            else if (field.Min > field.Max)
            {
                problems.Add($"{label} Min ({field.Min}) must not exceed Max ({field.Max})");
            }
        }

        var isChoice = field.Type is FieldType.SingleChoice or FieldType.MultipleChoice;
        if (isChoice)
        {
            if (field.Options.Count is 0 or > MaxOptions)
            {
                problems.Add($"{label} needs 1 to {MaxOptions} options, not {field.Options.Count}");
            }

            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var option in field.Options)
            {
                if (option.Id is null || !OptionIdPattern().IsMatch(option.Id))
                {
                    problems.Add($"{label} option id '{option.Id}' must match ^[a-z0-9][a-z0-9_-]{{0,62}}$");
                }
                else if (!seen.Add(option.Id))
                {
                    problems.Add($"{label} option '{option.Id}' appears twice");
                }

                CheckText(option.Label, $"{label} option '{option.Id}' label", MaxNameLength, problems);
            }
        }
        else if (field.Options.Count > 0)
        {
            problems.Add($"{label} is {field.Type}: it cannot have options");
        }

        if (field.MaxSelections is { } selections
            && (field.Type != FieldType.MultipleChoice || selections < 1 || selections > field.Options.Count))
        {
            problems.Add(field.Type == FieldType.MultipleChoice
                ? $"{label} MaxSelections must be 1 to its {field.Options.Count} options, not {selections}"
                : $"{label} is {field.Type}: MaxSelections must be null");
        }

        if (field.Type == FieldType.Image)
        {
            if (!acceptsOfferImage)
            {
                problems.Add($"{label} is an image, but the campaign does not accept offer images (AcceptsOfferImage)");
            }

            if (field.Required)
            {
                problems.Add($"{label} is an image and cannot be required");
            }
        }
    }

    private static void CheckEligibility(Eligibility eligibility, List<string> problems)
    {
        CheckText(eligibility.AreaDescription, "eligibility area description", MaxNameLength * 2, problems);
        if (eligibility.Areas.Count is 0 or > MaxAreas)
        {
            problems.Add($"eligibility needs 1 to {MaxAreas} areas, not {eligibility.Areas.Count}");
        }

        for (var i = 0; i < eligibility.Areas.Count; i++)
        {
            switch (eligibility.Areas[i])
            {
                case PolygonArea polygon:
                    if (polygon.Vertices.Count is < 3 or > MaxVertices)
                    {
                        problems.Add($"eligibility area {i + 1}: a polygon needs 3 to {MaxVertices} vertices, not {polygon.Vertices.Count}");
                    }
                    else if (polygon.Vertices.Where(v => !IsValid(v)).Take(1).ToArray() is [var bad])
                    {
                        problems.Add($"eligibility area {i + 1}: vertex {bad.Latitude}, {bad.Longitude} is not a valid latitude, longitude");
                    }
                    else if (polygon.Vertices.Distinct().Count() < 3)
                    {
                        problems.Add($"eligibility area {i + 1}: a polygon needs at least 3 distinct vertices");
                    }

                    break;
                case CircleArea circle:
                    if (!IsValid(circle.Center))
                    {
                        problems.Add($"eligibility area {i + 1}: centre {circle.Center.Latitude}, {circle.Center.Longitude} is not a valid latitude, longitude");
                    }

                    if (!double.IsFinite(circle.RadiusMeters) || circle.RadiusMeters <= 0 || circle.RadiusMeters > MaxRadiusMeters)
                    {
                        problems.Add($"eligibility area {i + 1}: radius must be more than 0 and at most {MaxRadiusMeters} m, not {circle.RadiusMeters}");
                    }

                    break;
            }
        }
    }

    private static void CheckCrossListings(CampaignDefinition definition, List<string> problems)
    {
        if (definition.CrossListings.Count > MaxCrossListings)
        {
            problems.Add($"at most {MaxCrossListings} cross-listing rules are allowed");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in definition.CrossListings)
        {
            if (rule.TargetCampaignId is null || !CampaignIdPattern().IsMatch(rule.TargetCampaignId))
            {
                problems.Add($"cross-listing target '{rule.TargetCampaignId}' is not a campaign id (^[a-z][a-z0-9-]{{1,62}}$)");
            }
            else if (rule.TargetCampaignId == definition.Id)
            {
                problems.Add("a campaign cannot cross-list to itself");
            }
            else if (!seen.Add(rule.TargetCampaignId))
            {
                problems.Add($"cross-listing target '{rule.TargetCampaignId}' appears twice");
            }

            if (rule.OnlyCatering && !definition.Categories.Any(c => c.Catering))
            {
                problems.Add($"cross-listing to '{rule.TargetCampaignId}' is for catering entries only, but no category is a catering one");
            }
        }
    }

    private static void CheckText(LocalizedText text, string what, int maxLength, List<string> problems)
    {
        if (string.IsNullOrWhiteSpace(text.Pl) || string.IsNullOrWhiteSpace(text.En))
        {
            problems.Add($"{what} needs Polish and English text");
        }

        if ((text.Uk is { } uk && string.IsNullOrWhiteSpace(uk)) || (text.Ru is { } ru && string.IsNullOrWhiteSpace(ru)))
        {
            problems.Add($"{what}: a Ukrainian or Russian text, when given, must not be blank");
        }

        if (new[] { text.Pl, text.En, text.Uk, text.Ru }.Any(t => t is not null && t.Length > maxLength))
        {
            problems.Add($"{what} is longer than {maxLength} characters");
        }
    }

    private static bool IsValid(GeoPosition position) =>
        double.IsFinite(position.Latitude) && double.IsFinite(position.Longitude)
        && position.Latitude is >= -90 and <= 90 && position.Longitude is >= -180 and <= 180;

    private static SurveyField CopyField(SurveyField? field, List<string> problems)
    {
        if (field is null)
        {
            return Missing<SurveyField>("a survey field", problems);
        }

        return new SurveyField(field.Id, field.Type, Text(field.Label))
        {
            Help = field.Help is null ? null : Text(field.Help),
            Required = field.Required,
            MaxLength = field.MaxLength,
            Min = field.Min,
            Max = field.Max,
            Options = List(field.Options, $"options of '{field.Id}'", problems)
                .Select(o => o is null ? Missing<ChoiceOption>($"an option of '{field.Id}'", problems) : new ChoiceOption(o.Id, Text(o.Label)))
                .ToArray(),
            MaxSelections = field.MaxSelections,
        };
    }

    /// <summary>Only the SDK's own areas: a plugin's GeoArea subclass would run plugin code on every submission.</summary>
    private static GeoArea CopyArea(GeoArea? area, List<string> problems)
    {
        if (area is null)
        {
            return Missing<GeoArea>("an eligibility area", problems);
        }

        var type = area.GetType();
        if (type == typeof(PolygonArea))
        {
            return new PolygonArea(List(((PolygonArea)area).Vertices, "polygon vertices", problems).ToArray());
        }

        if (type == typeof(CircleArea))
        {
            var circle = (CircleArea)area;
            return new CircleArea(circle.Center, circle.RadiusMeters);
        }

        problems.Add($"eligibility area of type {type.FullName} is not one the platform knows (use PolygonArea or CircleArea)");
        return new PolygonArea([]);
    }

    private static LocalizedText Text(LocalizedText? text) =>
        text is null ? new LocalizedText(string.Empty, string.Empty) : new LocalizedText(text.Pl, text.En, text.Uk, text.Ru);

    private static IEnumerable<T> List<T>(IReadOnlyList<T>? list, string what, List<string> problems)
    {
        if (list is null)
        {
            problems.Add($"{what} missing (null)");
            return [];
        }

        // Read through the interface once, bounded: a plugin's own list type could claim any count.
        var copy = new List<T>();
        foreach (var item in list)
        {
            if (copy.Count == MaxVertices + 1)
            {
                problems.Add($"{what}: more than {MaxVertices} items");
                break;
            }

            copy.Add(item);
        }

        return copy;
    }

    private static T Missing<T>(string what, List<string> problems)
        where T : class
    {
        problems.Add($"{what} is missing (null)");
        return null!;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{1,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex CampaignIdPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex FieldIdPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex OptionIdPattern();
}

/// <summary>A plugin's campaign breaks a rule of the platform; the message lists what.</summary>
internal sealed class InvalidCampaignException(string message) : Exception(message);
