namespace Krakow.Plugins.Sdk;

public enum FieldType
{
    Text = 1,
    LongText = 2,
    SingleChoice = 3,
    MultipleChoice = 4,
    Number = 5,
    Date = 6,
    Boolean = 7,
    Url = 8,
    Email = 9,
    Phone = 10,
    GeoPoint = 11,
    Address = 12,
    Image = 13,
}

/// <summary>One question of the survey. Limits that do not apply to the field's type must stay null.</summary>
public sealed record SurveyField(string Id, FieldType Type, LocalizedText Label)
{
    public LocalizedText? Help { get; init; }

    public bool Required { get; init; }

    /// <summary>Texts: the longest answer in characters (the host caps every text anyway).</summary>
    public int? MaxLength { get; init; }

    public double? Min { get; init; }

    public double? Max { get; init; }

    /// <summary>Choices: the options.</summary>
    public IReadOnlyList<ChoiceOption> Options { get; init; } = [];

    /// <summary>Multiple choice: most options one may pick.</summary>
    public int? MaxSelections { get; init; }
}

public sealed record ChoiceOption(string Id, LocalizedText Label);

/// <summary>
/// The short survey. Every campaign's survey has the <see cref="StandardFields"/> that make an entry a map
/// listing; <see cref="Create"/> adds them before the campaign's own questions.
/// </summary>
public sealed record SurveySchema(IReadOnlyList<SurveyField> Fields)
{
    public static SurveySchema Create(IReadOnlyList<CampaignCategory> categories, bool acceptsOfferImage, params SurveyField[] campaignFields) =>
        new([.. StandardFields.For(categories, acceptsOfferImage), .. campaignFields]);
}

/// <summary>The fields every map entry has; the host builds listings from them.</summary>
public static class StandardFields
{
    public const string BusinessName = "business_name";
    public const string Category = "category";
    public const string Location = "location";
    public const string Address = "address";
    public const string Description = "description";
    public const string Website = "website";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string OrdersOnline = "orders_online";
    public const string Delivers = "delivers";
    public const string OfferImage = "offer_image";

    public static IReadOnlyList<SurveyField> For(IReadOnlyList<CampaignCategory> categories, bool acceptsOfferImage)
    {
        List<SurveyField> fields =
        [
            new(BusinessName, FieldType.Text, new("Nazwa firmy", "Business name")) { Required = true, MaxLength = 200 },
            new(Category, FieldType.SingleChoice, new("Kategoria", "Category"))
            {
                Required = true,
                Options = [.. categories.Select(c => new ChoiceOption(c.Id, c.Name))],
            },
            new(Location, FieldType.GeoPoint, new("Położenie na mapie", "Location on the map")) { Required = true },
            new(Address, FieldType.Address, new("Adres", "Address")) { Required = true },
            new(Description, FieldType.LongText, new("Opis oferty", "Description of the offer")) { MaxLength = 2000 },
            new(Website, FieldType.Url, new("Strona internetowa lub sklep", "Website or online shop")) { MaxLength = 500 },
            new(Phone, FieldType.Phone, new("Telefon", "Phone")),
            new(Email, FieldType.Email, new("E-mail kontaktowy", "Contact e-mail")) { Required = true, MaxLength = 254 },
            new(OrdersOnline, FieldType.Boolean, new("Przyjmuję zamówienia online", "I take orders online")),
            new(Delivers, FieldType.Boolean, new("Dowożę", "I deliver")),
        ];
        if (acceptsOfferImage)
        {
            fields.Add(new(OfferImage, FieldType.Image, new("Oferta graficzna", "Graphic offer"))
            {
                Help = new("Kolaż produktów, menu świąteczne, przykładowe vouchery", "A collage of products, a holiday menu, sample vouchers"),
            });
        }

        return fields;
    }
}
