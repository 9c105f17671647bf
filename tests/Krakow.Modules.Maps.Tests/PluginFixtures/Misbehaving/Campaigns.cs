using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.Fixtures.Misbehaving;

/// <summary>A valid campaign whose id is the manifest's: the same assembly can stand for any well-behaved plugin.</summary>
public sealed class WellBehavedCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) => Campaign.Valid(context.PluginId, context.Window);
}

public sealed class ThrowingCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) =>
        throw new InvalidOperationException("the fixture's Describe always throws");
}

/// <summary>Reads a data file that its folder lacks: the exception's message holds the full path of the file it looked for.</summary>
public sealed class MissingDataFileCampaign : ICampaignPlugin
{
    public const string DataFile = "campaign-data.json";

    public CampaignDefinition Describe(PluginContext context)
    {
        var folder = Path.GetDirectoryName(typeof(MissingDataFileCampaign).Assembly.Location)!;
        _ = File.ReadAllText(Path.Combine(folder, DataFile));
        return Campaign.Valid(context.PluginId, context.Window);
    }
}

/// <summary>Never returns from Describe (without burning a CPU core while the tests run).</summary>
public sealed class HangingCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context)
    {
        while (true)
        {
            Thread.Sleep(100);
        }
    }
}

public sealed class ThrowingConstructorCampaign : ICampaignPlugin
{
    public ThrowingConstructorCampaign() => throw new NotSupportedException("the fixture's constructor always throws");

    public CampaignDefinition Describe(PluginContext context) => Campaign.Valid(context.PluginId, context.Window);
}

/// <summary>Claims a campaign id other than its manifest's.</summary>
public sealed class OtherIdCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) => Campaign.Valid("im-active", context.Window);
}

/// <summary>Breaks several rules at once: a two-vertex polygon, a repeated field id, a required image without AcceptsOfferImage.</summary>
public sealed class InvalidCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context)
    {
        var valid = Campaign.Valid(context.PluginId, context.Window);
        return valid with
        {
            Survey = new SurveySchema(
            [
                .. valid.Survey.Fields,
                new SurveyField("colour", FieldType.Text, new("Kolor", "Colour")),
                new SurveyField("colour", FieldType.Text, new("Kolor", "Colour")),
                new SurveyField("photo", FieldType.Image, new("Zdjęcie", "Photo")) { Required = true },
            ]),
            Eligibility = new(new("Odcinek", "A line"), [new PolygonArea([new(50.0, 19.9), new(50.1, 20.0)])]),
        };
    }
}

/// <summary>An area type of its own: its code would run on every submission, so the host refuses it.</summary>
public sealed class ForeignAreaCampaign : ICampaignPlugin
{
    public CampaignDefinition Describe(PluginContext context) =>
        Campaign.Valid(context.PluginId, context.Window) with { Eligibility = new(new("Wszędzie", "Everywhere"), [new EverywhereArea()]) };

    private sealed record EverywhereArea : GeoArea
    {
        public override bool Contains(GeoPosition position) => true;
    }
}

/// <summary>Not an ICampaignPlugin at all.</summary>
public sealed class NotAPlugin
{
}

internal static class Campaign
{
    public static CampaignDefinition Valid(string id, CampaignWindow window)
    {
        CampaignCategory[] categories = [new("shop", new("Sklep", "Shop")), new("cafe", new("Kawiarnia", "Café"), Catering: true)];
        return new CampaignDefinition
        {
            Id = id,
            Name = new("Kampania testowa", "Test campaign"),
            Description = new("Kampania z testów.", "A campaign of the tests."),
            Window = window,
            Categories = categories,
            Survey = SurveySchema.Create(categories, acceptsOfferImage: false),
            Eligibility = new(new("Kraków", "Kraków"), [new CircleArea(new(50.0614, 19.9366), 20_000)]),
        };
    }
}
