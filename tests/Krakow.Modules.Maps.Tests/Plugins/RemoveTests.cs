using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Plugins.ChristmasOnline.V1;
using Shouldly;
using Reflection = Grpc.Reflection.V1;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// A plugin folder removed while the host runs: the campaign and the plugin's gRPC service disappear (UNIMPLEMENTED
/// over gRPC and gRPC-Web, gone from reflection), the rest keeps serving, and the plugin's load context is collected
/// although its service had answered calls (routing, reflection and protobuf caches keep nothing of it).
/// </summary>
public sealed class RemoveTests
{
    private const string GiftSearchService = "krakow.plugins.christmas.v1.GiftSearch";

    [Fact]
    public async Task A_removed_plugin_leaves_the_catalogue_and_the_endpoints_and_its_load_context_is_collected()
    {
        using var plugins = new PluginDirectory();
        var folder = plugins.CopyShipped("christmas-online");
        plugins.CopyShipped("gastronomy");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());

        // Used every way a client can: gRPC, gRPC-Web, reflection (which caches descriptors).
        var gifts = new GiftSearch.GiftSearchClient(host.Channel);
        var webGifts = new GiftSearch.GiftSearchClient(host.WebChannel);
        (await gifts.SearchGiftsAsync(new SearchGiftsRequest { Text = "smok" })).Gifts.Single().Id.ShouldBe("plush-dragon");
        (await webGifts.SearchGiftsAsync(new SearchGiftsRequest { Text = "dragon" })).Gifts.Single().Id.ShouldBe("plush-dragon");
        (await HotReloadSupport.ReflectAsync(host.Channel, new Reflection.ServerReflectionRequest { FileContainingSymbol = GiftSearchService }))
            .FileDescriptorResponse.ShouldNotBeNull();
        (await HotReloadSupport.ReflectAsync(host.Channel, new Reflection.ServerReflectionRequest { FileByFilename = "gift_search.proto" }))
            .FileDescriptorResponse.ShouldNotBeNull();
        var context = HotReloadSupport.LoadContextOf(host.Registry, "christmas-online");

        Directory.Delete(folder, recursive: true);
        await host.WaitUntilGoneAsync("christmas-online");

        (await host.CampaignIdsAsync()).ShouldBe(["gastronomy"]);
        (await Should.ThrowAsync<RpcException>(gifts.SearchGiftsAsync(new SearchGiftsRequest()).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unimplemented);
        (await Should.ThrowAsync<RpcException>(webGifts.SearchGiftsAsync(new SearchGiftsRequest()).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unimplemented);
        (await HotReloadSupport.ReflectedServicesAsync(host.Channel)).ShouldNotContain(GiftSearchService);
        (await HotReloadSupport.ReflectAsync(host.Channel, new Reflection.ServerReflectionRequest { FileContainingSymbol = GiftSearchService }))
            .ErrorResponse.ErrorCode.ShouldBe((int)StatusCode.NotFound);
        var ready = await host.ReadyAsync();
        ready.Plugins.Keys.ShouldNotContain("christmas-online");
        ready.PluginsStatus.ShouldBe("Healthy");
        host.Logs.Entries.Count(e => e.Message == $"Campaign plugin christmas-online 1.0.0 unloaded from {folder}").ShouldBe(1);

        // The rest serves on, on the same connections.
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = "gastronomy" })).Id.ShouldBe("gastronomy");

        (await HotReloadSupport.CollectedAsync(context)).ShouldBeTrue("the removed plugin's load context was not collected: something still references it");
    }

    [Fact]
    public async Task A_plugin_added_again_after_removal_serves_again()
    {
        using var plugins = new PluginDirectory();
        var folder = plugins.CopyShipped("christmas-online");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());
        var gifts = new GiftSearch.GiftSearchClient(host.Channel);
        (await gifts.SearchGiftsAsync(new SearchGiftsRequest())).TotalMatches.ShouldBeGreaterThan(30);

        Directory.Delete(folder, recursive: true);
        await host.WaitUntilGoneAsync("christmas-online");
        (await Should.ThrowAsync<RpcException>(gifts.SearchGiftsAsync(new SearchGiftsRequest()).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unimplemented);

        plugins.CopyShipped("christmas-online");
        await host.WaitUntilLoadedAsync("christmas-online");
        (await gifts.SearchGiftsAsync(new SearchGiftsRequest())).TotalMatches.ShouldBeGreaterThan(30);
        (await HotReloadSupport.ReflectedServicesAsync(host.Channel)).ShouldContain(GiftSearchService);
    }
}
