using System.Runtime.Loader;
using Krakow.Plugins.Sdk;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// The eligibility areas of the shipped campaigns (hand-drawn approximations of Kraków and of Kraków with its
/// surroundings) against well-known places. The shipped assemblies are loaded here as the host loads them: in a
/// load context of their own that takes the SDK from the default one.
/// </summary>
public sealed class CampaignAreasTests
{
    private static readonly GeoPosition MainSquare = new(50.0617, 19.9373);
    private static readonly GeoPosition NowaHutaCentralSquare = new(50.0722, 20.0377);
    private static readonly GeoPosition TyniecAbbey = new(50.0203, 19.8147);
    private static readonly GeoPosition BaliceAirport = new(50.0777, 19.7848);
    private static readonly GeoPosition WieliczkaSaltMine = new(49.9833, 20.0550);
    private static readonly GeoPosition Skawina = new(49.9750, 19.8280);
    private static readonly GeoPosition Niepolomice = new(50.0340, 20.2200);
    private static readonly GeoPosition Katowice = new(50.2649, 19.0238);
    private static readonly GeoPosition Tarnow = new(50.0121, 20.9858);
    private static readonly GeoPosition Zakopane = new(49.2992, 19.9496);

    [Theory]
    [InlineData("im-active")]
    [InlineData("gastronomy")]
    public void Kraków_campaigns_take_the_city_and_not_its_neighbours(string id)
    {
        var area = Describe(id).Eligibility.Areas.ShouldHaveSingleItem().ShouldBeOfType<PolygonArea>();
        area.Vertices.Count.ShouldBeInRange(10, 20);
        foreach (var inside in new[] { MainSquare, NowaHutaCentralSquare, TyniecAbbey })
        {
            area.Contains(inside).ShouldBeTrue($"{inside} is in Kraków");
        }

        foreach (var outside in new[] { BaliceAirport, WieliczkaSaltMine, Skawina, Niepolomice, Katowice, Tarnow, Zakopane })
        {
            area.Contains(outside).ShouldBeFalse($"{outside} is not in Kraków");
        }
    }

    [Fact]
    public void The_Christmas_campaign_takes_Kraków_and_its_surroundings()
    {
        var area = Describe("christmas-online").Eligibility.Areas.ShouldHaveSingleItem().ShouldBeOfType<PolygonArea>();
        foreach (var inside in new[] { MainSquare, NowaHutaCentralSquare, TyniecAbbey, BaliceAirport, WieliczkaSaltMine, Skawina, Niepolomice })
        {
            area.Contains(inside).ShouldBeTrue($"{inside} is in Kraków or around it");
        }

        foreach (var outside in new[] { Katowice, Tarnow, Zakopane })
        {
            area.Contains(outside).ShouldBeFalse($"{outside} is not around Kraków");
        }

        // The surroundings contain the whole city.
        var city = Describe("im-active").Eligibility.Areas.ShouldHaveSingleItem().ShouldBeOfType<PolygonArea>();
        city.Vertices.ShouldAllBe(vertex => area.Contains(vertex));
    }

    [Fact]
    public void The_campaign_window_comes_from_the_manifest()
    {
        var window = new CampaignWindow(new DateTimeOffset(2027, 11, 1, 0, 0, 0, TimeSpan.FromHours(1)), new DateTimeOffset(2028, 1, 6, 23, 59, 59, TimeSpan.FromHours(1)));
        Describe("christmas-online", window).Window.ShouldBe(window);
    }

    private static CampaignDefinition Describe(string id, CampaignWindow? window = null)
    {
        var folder = Path.Combine(PluginDirectory.Shipped, id);
        var manifest = PluginDirectory.ReadManifest(folder);
        var context = new AssemblyLoadContext($"test:{id}", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.Combine(folder, manifest["entryAssembly"]!.GetValue<string>()));
            var type = assembly.GetType(manifest["entryType"]!.GetValue<string>(), throwOnError: true)!;
            var plugin = (ICampaignPlugin)Activator.CreateInstance(type)!;
            return plugin.Describe(new PluginContext(id, "1.0.0", window ?? CampaignWindow.Indefinite(DateTimeOffset.UnixEpoch)));
        }
        finally
        {
            context.Unload();
        }
    }
}
