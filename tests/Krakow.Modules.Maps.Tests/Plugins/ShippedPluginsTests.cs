using Krakow.Maps.V1;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>The three campaign plugins the build ships: where they land, and that the real host loads and serves them.</summary>
public sealed class ShippedPluginsTests
{
    private static readonly (string Id, string Assembly)[] Shipped =
    [
        ("im-active", "Krakow.Plugins.ImActive"),
        ("gastronomy", "Krakow.Plugins.Gastronomy"),
        ("christmas-online", "Krakow.Plugins.ChristmasOnline"),
    ];

    public static TheoryData<string, string> ShippedPlugins()
    {
        var data = new TheoryData<string, string>();
        foreach (var (id, assembly) in Shipped)
        {
            data.Add(id, assembly);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedPlugins))]
    public void The_build_puts_each_plugin_in_its_own_folder_next_to_the_host_and_in_projects_referencing_it(string id, string assembly)
    {
        // This test project references the host: the host's build copies its plugins into this output as well.
        var outputs = new[] { AppContext.BaseDirectory, HostOutputDirectory() };
        foreach (var output in outputs)
        {
            var folder = Path.Combine(output, "plugins", id);
            File.Exists(Path.Combine(folder, assembly + ".dll")).ShouldBeTrue($"{folder} lacks {assembly}.dll");
            File.Exists(Path.Combine(folder, assembly + ".deps.json")).ShouldBeTrue($"{folder} lacks the deps.json the load context resolves with");
            PluginDirectory.ReadManifest(folder)["id"]!.GetValue<string>().ShouldBe(id);
            PluginDirectory.ReadManifest(folder)["entryAssembly"]!.GetValue<string>().ShouldBe(assembly + ".dll");

            // The host supplies these; a copy in the plugin's folder would be a second, incompatible SDK.
            foreach (var shared in new[] { "Krakow.Plugins.Sdk.dll", "Krakow.Grpc.Core.dll", "Google.Protobuf.dll" })
            {
                File.Exists(Path.Combine(folder, shared)).ShouldBeFalse($"{folder} must not carry {shared}");
            }
        }
    }

    [Fact]
    public async Task By_default_the_host_loads_the_shipped_plugins_from_the_folder_next_to_it()
    {
        await using var host = await PluginTestHost.StartAsync(pluginsDirectory: null);

        var ready = await host.ReadyAsync();
        ready.PluginsStatus.ShouldBe("Healthy", ready.PluginsDescription);
        ready.Plugins.Count.ShouldBe(Directory.GetDirectories(PluginDirectory.Shipped).Length);
        foreach (var (id, _) in Shipped)
        {
            var entry = ready.For(id);
            entry.State.ShouldBe("Loaded");
            entry.Id.ShouldBe(id);
            entry.CampaignId.ShouldBe(id);
            entry.Version.ShouldBe("1.0.0");
        }
    }

    [Fact]
    public async Task A_copy_of_the_shipped_plugins_loads_and_their_campaigns_are_served_over_grpc()
    {
        using var plugins = new PluginDirectory();
        foreach (var (id, _) in Shipped)
        {
            plugins.CopyShipped(id);
        }

        await using var host = await PluginTestHost.StartAsync(plugins.Root);

        var ready = await host.WaitUntilReadyAsync();
        ready.HttpStatus.ShouldBe(System.Net.HttpStatusCode.OK);
        ready.Status.ShouldBe("Healthy");
        ready.PluginsStatus.ShouldBe("Healthy", ready.PluginsDescription);
        ready.PluginsDescription.ShouldContain("3 loaded: christmas-online 1.0.0, gastronomy 1.0.0, im-active 1.0.0");

        var campaigns = (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns.ToDictionary(c => c.Id);
        campaigns.Keys.Order(StringComparer.Ordinal).ShouldBe(["christmas-online", "gastronomy", "im-active"]);

        var imActive = campaigns["im-active"];
        imActive.Name.Pl.ShouldBe("Jestem AKTYWNY");
        imActive.Name.En.ShouldBe("I'm ACTIVE");
        imActive.PluginId.ShouldBe("im-active");
        imActive.PluginVersion.ShouldBe("1.0.0");
        imActive.Window.EndsAt.ShouldBeNull();
        imActive.CrossListings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            rule => rule.TargetCampaignId.ShouldBe("gastronomy"),
            rule => rule.OnlyCatering.ShouldBeTrue());
        imActive.Categories.Where(c => c.Catering).Select(c => c.Id).ShouldContain("restaurant");
        imActive.Categories.Where(c => !c.Catering).Select(c => c.Id).ShouldContain("retail");
        imActive.AcceptsOfferImage.ShouldBeFalse();
        imActive.EligibleArea.En.ShouldContain("Kraków");

        var gastronomy = campaigns["gastronomy"];
        gastronomy.Name.Pl.ShouldBe("Branża gastronomiczna w Krakowie");
        gastronomy.Name.En.ShouldBe("Gastronomy industry in Kraków");
        gastronomy.Window.EndsAt.ShouldBeNull();
        gastronomy.CrossListings.ShouldHaveSingleItem().ShouldSatisfyAllConditions(
            rule => rule.TargetCampaignId.ShouldBe("im-active"),
            rule => rule.OnlyCatering.ShouldBeFalse());
        gastronomy.Categories.ShouldAllBe(c => c.Catering);
        gastronomy.Categories.Select(c => c.Id).ShouldBeSubsetOf(imActive.Categories.Where(c => c.Catering).Select(c => c.Id));
        var cuisine = gastronomy.Survey.Fields.Single(f => f.Id == "cuisine");
        cuisine.Type.ShouldBe(FieldType.MultipleChoice);
        cuisine.Options.ShouldNotBeEmpty();
        gastronomy.Survey.Fields.Single(f => f.Id == "takeaway").Type.ShouldBe(FieldType.Boolean);

        var christmas = campaigns["christmas-online"];
        christmas.Name.Pl.ShouldBe("Święta zamawiam online!");
        christmas.Name.En.ShouldBe("This Christmas I order online!");
        christmas.AcceptsOfferImage.ShouldBeTrue();
        christmas.Window.StartsAt.ToDateTimeOffset().ShouldBe(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.FromHours(1)));
        christmas.Window.EndsAt.ToDateTimeOffset().ShouldBe(new DateTimeOffset(2027, 1, 6, 23, 59, 59, TimeSpan.FromHours(1)));
        christmas.CrossListings.ShouldBeEmpty();
        christmas.EligibleArea.En.ShouldContain("surrounding");
        var offerImage = christmas.Survey.Fields.Single(f => f.Id == "offer_image");
        offerImage.Type.ShouldBe(FieldType.Image);
        offerImage.Required.ShouldBeFalse();
        christmas.Survey.Fields.Single(f => f.Id == "gift_price_range").Type.ShouldBe(FieldType.SingleChoice);
        christmas.Survey.Fields.Single(f => f.Id == "ships_nationwide").Type.ShouldBe(FieldType.Boolean);

        foreach (var campaign in campaigns.Values)
        {
            campaign.Description.Pl.ShouldNotBeNullOrWhiteSpace();
            campaign.Description.En.ShouldNotBeNullOrWhiteSpace();
            campaign.Survey.Fields.Select(f => f.Id).ShouldContain("business_name");
            campaign.Survey.Fields.Single(f => f.Id == "category").Options.Select(o => o.Id).ShouldBe(campaign.Categories.Select(c => c.Id));
            campaign.Season.ShouldBe(1);
        }

        // Logged once each, and a summary.
        var logs = host.Logs.Entries;
        foreach (var (id, _) in Shipped)
        {
            logs.Count(e => e.Message.Contains($"Campaign plugin {id} 1.0.0 loaded from {plugins.PathOf(id)}", StringComparison.Ordinal)).ShouldBe(1);
        }

        logs.ShouldContain(e => e.Message.StartsWith("Campaign plugins: 3 loaded, 0 incompatible, 0 failed", StringComparison.Ordinal));
    }

    /// <summary>src/Host/bin/&lt;configuration&gt;/&lt;framework&gt;/: this output's last two folders, under the host's project.</summary>
    private static string HostOutputDirectory()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var framework = output.Name;
        var configuration = output.Parent!.Name;
        for (var folder = output; folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "KrakowPlatform.sln")))
            {
                return Path.Combine(folder.FullName, "src", "Host", "bin", configuration, framework);
            }
        }

        throw new InvalidOperationException("KrakowPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
