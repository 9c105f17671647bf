using Krakow.Maps.V1;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// Two plugins side by side that depend on different versions of the same third-party assembly (Newtonsoft.Json
/// 12.0.3 and 13.0.3, each copied into its plugin's folder): each plugin's code gets its own version, from its own
/// load context, whatever the host or the other plugin has.
/// </summary>
public sealed class SideBySideTests
{
    [Fact]
    public async Task Each_plugin_uses_its_own_version_of_the_same_third_party_assembly()
    {
        using var plugins = new PluginDirectory();
        Add(plugins, "json-twelve", "Krakow.Plugins.Fixtures.JsonTwelve");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());

        // The second one arrives while the first one runs.
        Add(plugins, "json-thirteen", "Krakow.Plugins.Fixtures.JsonThirteen");
        await host.WaitUntilLoadedAsync("json-thirteen");
        (await host.ListPluginsAsync()).ShouldAllBe(p => p.State == Krakow.Maps.V1.PluginState.Loaded);

        var twelve = await DescriptionAsync(host, "json-twelve");
        twelve.ShouldStartWith("Newtonsoft.Json 12.0.0.0 (file 12.0.3.");
        twelve.ShouldContain("from load context plugin:json-twelve;");
        twelve.ShouldEndWith("serialised {\"plugin\":\"json-twelve\",\"pluginVersion\":\"1.0.0\"}");

        var thirteen = await DescriptionAsync(host, "json-thirteen");
        thirteen.ShouldStartWith("Newtonsoft.Json 13.0.0.0 (file 13.0.3.");
        thirteen.ShouldContain("from load context plugin:json-thirteen;");
        thirteen.ShouldEndWith("serialised {\"plugin\":\"json-thirteen\",\"pluginVersion\":\"1.0.0\"}");
    }

    private static void Add(PluginDirectory plugins, string folder, string fixture) =>
        plugins.AddFixture(folder, fixture, "unused", m => m["entryType"] = "Krakow.Plugins.Fixtures.Json.JsonVersionCampaign");

    private static async Task<string> DescriptionAsync(PluginTestHost host, string id) =>
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = id })).Description.En;
}
