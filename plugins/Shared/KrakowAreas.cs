using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Shared;

/// <summary>
/// The areas the Kraków campaigns accept applicants from. Both polygons are hand-drawn APPROXIMATIONS (about
/// a kilometre off in places), good for "is this business in Kraków / around Kraków" and nothing finer: they are
/// not the official boundaries (for those, see the city's GIS portal, msip.krakow.pl). Compiled into each plugin
/// that needs them (source-linked, not a shared assembly), so each plugin stays one self-contained assembly.
/// </summary>
internal static class KrakowAreas
{
    /// <summary>Kraków's city limits, clockwise from Tyniec in the south-west; lat 49.97–50.13, lon 19.79–20.22.</summary>
    public static PolygonArea City { get; } = new(
    [
        new(50.0150, 19.7920), // Tyniec, west
        new(50.0480, 19.7950), // Przegorzały / Bielany
        new(50.0750, 19.8200), // Olszanica
        new(50.0900, 19.8450), // Mydlniki
        new(50.1070, 19.8880), // Bronowice Wielkie
        new(50.1200, 19.9300), // Tonie
        new(50.1260, 19.9700), // Witkowice, the northern tip
        new(50.1160, 20.0150), // Węgrzce border
        new(50.1000, 20.0600), // Batowice
        new(50.0950, 20.1200), // Grębałów
        new(50.0900, 20.1800), // Łuczanowice
        new(50.0720, 20.2170), // Wyciąże / Przylasek Wyciąski, the eastern tip
        new(50.0450, 20.2000), // Przylasek Rusiecki, on the Vistula
        new(50.0330, 20.1200), // Rybitwy
        new(50.0050, 20.0600), // Bieżanów / Prokocim
        new(49.9700, 20.0000), // Kosocice / Rajsko
        new(49.9670, 19.9500), // Swoszowice, the southern tip
        new(49.9800, 19.9000), // Kobierzyn / Skotniki
        new(49.9950, 19.8300), // Tyniec, south
    ]);

    public static LocalizedText CityDescription { get; } = new(
        "Kraków (w granicach administracyjnych miasta)",
        "Kraków (within the city limits)");

    /// <summary>
    /// "Kraków and surroundings": the city and the municipalities around it, roughly the Kraków Metropolis
    /// (Zabierzów, Zielonki, Michałowice, Kocmyrzów-Luborzyca, Niepołomice, Wieliczka, Świątniki Górne, Mogilany,
    /// Skawina, Liszki, Czernichów…); lat 49.85–50.30, lon 19.55–20.45.
    /// </summary>
    public static PolygonArea Metropolitan { get; } = new(
    [
        new(49.9800, 19.5500), // Czernichów, west
        new(50.1000, 19.5600), // Krzeszowice / Alwernia side
        new(50.2200, 19.6500), // north-west, towards Jerzmanowice
        new(50.2900, 19.8500), // Skała / Sułoszowa, north
        new(50.3000, 20.0500), // Słomniki, north
        new(50.2500, 20.2500), // Kocmyrzów-Luborzyca, north-east
        new(50.1500, 20.4300), // Igołomia-Wawrzeńczyce, east
        new(50.0300, 20.4500), // Niepołomice Forest / Kłaj, east
        new(49.9200, 20.3500), // Gdów, south-east
        new(49.8500, 20.1500), // Dobczyce / Siepraw, south
        new(49.8600, 19.9000), // Mogilany / Sułkowice, south
        new(49.9000, 19.6800), // Skawina / Lanckorona side, south-west
    ]);

    public static LocalizedText MetropolitanDescription { get; } = new(
        "Kraków i okolice (gminy obszaru metropolitalnego)",
        "Kraków and the surrounding area (the metropolitan municipalities)");
}
