using System.Globalization;
using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.ChristmasOnline;

/// <summary>One gift idea: what it is, under which campaign category, and what such a gift typically costs.</summary>
public sealed record GiftIdea(string Id, string Category, LocalizedText Name, int MinPricePln, int MaxPricePln);

/// <summary>
/// The gift ideas the Christmas map suggests, three or four per campaign category, each with an indicative price
/// range in whole PLN: the plugin's own estimates of what such gifts typically cost from Kraków's small
/// businesses, not any business's offer. Immutable and deterministic: the same search always gives the same list.
/// </summary>
public sealed class GiftCatalogue
{
    private static readonly GiftIdea[] Ideas =
    [
        new("handmade-ceramic-mug", "handicrafts", new("Ręcznie toczony kubek ceramiczny", "Hand-thrown ceramic mug"), 45, 120),
        new("wooden-toy", "handicrafts", new("Drewniana zabawka z lokalnej pracowni", "Wooden toy from a local workshop"), 60, 250),
        new("krakow-szopka", "handicrafts", new("Miniaturowa szopka krakowska", "Miniature Kraków nativity scene (szopka)"), 150, 1500),
        new("linen-tablecloth", "handicrafts", new("Lniany obrus haftowany ręcznie", "Hand-embroidered linen tablecloth"), 180, 600),

        new("glass-baubles", "decorations", new("Bombki z dmuchanego szkła", "Blown-glass baubles"), 25, 90),
        new("paper-stars", "decorations", new("Gwiazdy i łańcuchy z papieru", "Paper stars and garlands"), 10, 40),
        new("advent-wreath", "decorations", new("Wieniec adwentowy", "Advent wreath"), 60, 180),
        new("straw-ornaments", "decorations", new("Ozdoby ze słomy", "Straw ornaments"), 15, 60),

        new("potted-spruce", "christmas-trees", new("Świerk w donicy do posadzenia po świętach", "Potted spruce to plant after Christmas"), 80, 250),
        new("cut-fir", "christmas-trees", new("Jodła kaukaska cięta", "Cut Nordmann fir"), 120, 400),
        new("tabletop-tree", "christmas-trees", new("Mała choinka na stół", "Tabletop Christmas tree"), 30, 90),

        new("gingerbread-set", "delicacies", new("Zestaw pierników lukrowanych", "Iced gingerbread set"), 25, 80),
        new("poppy-seed-cake", "delicacies", new("Makowiec z lokalnej cukierni", "Poppy-seed roll from a local confectionery"), 40, 90),
        new("honey-and-preserves", "delicacies", new("Miód i domowe przetwory", "Honey and homemade preserves"), 35, 150),
        new("christmas-chocolates", "delicacies", new("Ręcznie robione pralinki", "Handmade chocolates"), 40, 160),

        new("wigilia-dishes", "holiday-catering", new("Zestaw dań wigilijnych na wynos", "Christmas Eve dishes to take away"), 150, 600),
        new("pierogi-box", "holiday-catering", new("Pierogi z kapustą i grzybami", "Pierogi with cabbage and mushrooms"), 40, 120),
        new("carp-and-fish", "holiday-catering", new("Ryba po grecku i karp w galarecie", "Greek-style fish and carp in aspic"), 60, 200),

        new("gift-basket", "gifts", new("Kosz prezentowy z lokalnymi produktami", "Gift basket of local products"), 120, 450),
        new("scented-candle", "gifts", new("Świeca sojowa o zimowym zapachu", "Winter-scented soy candle"), 30, 90),
        new("krakow-photo-print", "gifts", new("Grafika lub fotografia z Krakowem", "Print or photograph of Kraków"), 50, 300),

        new("spa-voucher", "vouchers-services", new("Voucher do spa", "Spa voucher"), 150, 800),
        new("workshop-voucher", "vouchers-services", new("Warsztaty rękodzieła na prezent", "Craft workshop as a gift"), 120, 400),
        new("city-tour", "vouchers-services", new("Wycieczka z przewodnikiem po Krakowie", "Guided tour of Kraków"), 80, 300),
        new("photo-session", "vouchers-services", new("Sesja zdjęciowa", "Photo session"), 300, 1200),

        new("wool-scarf", "fashion-cosmetics", new("Wełniany szal", "Wool scarf"), 90, 350),
        new("natural-cosmetics-set", "fashion-cosmetics", new("Zestaw naturalnych kosmetyków", "Natural cosmetics set"), 60, 250),
        new("silver-jewellery", "fashion-cosmetics", new("Biżuteria srebrna z pracowni złotniczej", "Silver jewellery from a goldsmith's workshop"), 150, 900),

        new("krakow-legends-book", "books-toys", new("Książka z legendami krakowskimi", "Book of Kraków legends"), 30, 70),
        new("board-game", "books-toys", new("Gra planszowa", "Board game"), 60, 250),
        new("plush-dragon", "books-toys", new("Pluszowy smok wawelski", "Plush Wawel dragon"), 40, 120),

        new("christmas-cards", "other", new("Kartki świąteczne ręcznie malowane", "Hand-painted Christmas cards"), 8, 30),
        new("gift-wrapping", "other", new("Pakowanie prezentów", "Gift wrapping"), 10, 50),
        new("local-delivery", "other", new("Dostawa prezentu pod drzwi w Krakowie", "Doorstep gift delivery in Kraków"), 15, 60),
    ];

    private readonly IReadOnlyDictionary<string, CampaignCategory> categories;
    private readonly IReadOnlyList<(string Id, int From, int? To)> bands;

    public GiftCatalogue(IReadOnlyList<CampaignCategory> categories, IReadOnlyList<(string Id, int From, int? To)> bands)
    {
        this.categories = categories.ToDictionary(c => c.Id, StringComparer.Ordinal);
        this.bands = bands;
        var stray = Ideas.FirstOrDefault(i => !this.categories.ContainsKey(i.Category));
        if (stray is not null)
        {
            throw new InvalidOperationException($"Gift idea {stray.Id} is filed under {stray.Category}, which is not a category of the campaign.");
        }
    }

    public IEnumerable<string> CategoryIds => categories.Keys.Order(StringComparer.Ordinal);

    public IEnumerable<string> BandIds => bands.Select(b => b.Id);

    public CampaignCategory Category(string id) => categories[id];

    public bool IsCategory(string id) => categories.ContainsKey(id);

    public bool IsBand(string id) => bands.Any(b => b.Id == id);

    /// <summary>The price band a starting price falls in.</summary>
    public string BandOf(int price) => bands.First(b => price >= b.From && (b.To is null || price < b.To)).Id;

    /// <summary>
    /// Ideas matching every criterion given (null or 0 for none): the category; a starting price within the budget;
    /// a top price reaching the lower bound; a range overlapping the band; every word of the text in a name.
    /// Cheapest first: by starting price, then top price, then id.
    /// </summary>
    public IReadOnlyList<GiftIdea> Search(string? category, int maxPrice, int minPrice, string? band, string? text)
    {
        var words = (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var range = band is { Length: > 0 } ? bands.First(b => b.Id == band) : default;
        return Ideas
            .Where(i => string.IsNullOrEmpty(category) || i.Category == category)
            .Where(i => maxPrice <= 0 || i.MinPricePln <= maxPrice)
            .Where(i => minPrice <= 0 || i.MaxPricePln >= minPrice)
            .Where(i => range.Id is null || (i.MaxPricePln >= range.From && (range.To is null || i.MinPricePln < range.To)))
            .Where(i => words.All(w => Contains(i.Name.Pl, w) || Contains(i.Name.En, w)))
            .OrderBy(i => i.MinPricePln)
            .ThenBy(i => i.MaxPricePln)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .ToArray();
    }

    private static bool Contains(string name, string word) =>
        CultureInfo.InvariantCulture.CompareInfo.IndexOf(name, word, CompareOptions.IgnoreCase) >= 0;
}
