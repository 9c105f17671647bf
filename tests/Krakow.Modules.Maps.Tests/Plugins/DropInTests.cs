using Google.Protobuf.Reflection;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Plugins.ChristmasOnline.V1;
using Shouldly;
using PluginState = Krakow.Maps.V1.PluginState;
using Reflection = Grpc.Reflection.V1;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// Plugins added while the host runs: a folder dropped into the plugins directory is loaded within seconds, its
/// campaign served and its own gRPC service answering over gRPC and gRPC-Web and listed by reflection; a folder
/// copied slowly, file by file, is not judged before it is complete.
/// </summary>
public sealed class DropInTests
{
    private const string GiftSearchService = "krakow.plugins.christmas.v1.GiftSearch";

    [Fact]
    public async Task A_folder_dropped_in_is_loaded_within_seconds_with_its_campaign_and_its_own_grpc_service()
    {
        using var plugins = new PluginDirectory();
        plugins.CopyShipped("gastronomy");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());
        (await host.CampaignIdsAsync()).ShouldBe(["gastronomy"]);
        var gifts = new GiftSearch.GiftSearchClient(host.Channel);
        (await Should.ThrowAsync<RpcException>(gifts.SearchGiftsAsync(new SearchGiftsRequest()).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unimplemented);
        (await HotReloadSupport.ReflectedServicesAsync(host.Channel)).ShouldNotContain(GiftSearchService);

        var dropped = DateTime.UtcNow;
        var folder = plugins.CopyShipped("christmas-online");
        var plugin = await host.WaitUntilLoadedAsync("christmas-online");
        (DateTime.UtcNow - dropped).ShouldBeLessThan(TimeSpan.FromSeconds(10));

        plugin.Id.ShouldBe("christmas-online");
        plugin.Version.ShouldBe("1.0.0");
        plugin.Folder.ShouldBe(folder);
        plugin.CampaignId.ShouldBe("christmas-online");
        plugin.GrpcServices.ShouldBe([GiftSearchService]);
        plugin.LoadedAt.ShouldNotBeNull();
        plugin.Reason.ShouldBeEmpty();
        (await host.CampaignIdsAsync()).ShouldBe(["christmas-online", "gastronomy"]);

        // Its own service, over gRPC and over gRPC-Web.
        var request = new SearchGiftsRequest { Category = "christmas-trees", MaxPricePln = 100 };
        (await gifts.SearchGiftsAsync(request)).Gifts.Select(g => g.Id).ShouldBe(["tabletop-tree", "potted-spruce"]);
        (await new GiftSearch.GiftSearchClient(host.WebChannel).SearchGiftsAsync(request)).Gifts.Select(g => g.Id).ShouldBe(["tabletop-tree", "potted-spruce"]);

        // Reflection lists it and serves its file.
        (await HotReloadSupport.ReflectedServicesAsync(host.Channel)).ShouldContain(GiftSearchService);
        var symbol = await HotReloadSupport.ReflectAsync(host.Channel, new Reflection.ServerReflectionRequest { FileContainingSymbol = GiftSearchService });
        var file = FileDescriptorProto.Parser.ParseFrom(symbol.FileDescriptorResponse.FileDescriptorProto[0]);
        file.Name.ShouldBe("gift_search.proto");
        file.Package.ShouldBe("krakow.plugins.christmas.v1");
        file.Service.Single().Method.Single().Name.ShouldBe("SearchGifts");

        // Readiness and the log say so, once.
        (await host.ReadyAsync()).For("christmas-online").State.ShouldBe("Loaded");
        host.Logs.Entries.Count(e => e.Message.StartsWith($"Campaign plugin christmas-online 1.0.0 loaded from {folder}:", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_folder_copied_slowly_file_by_file_is_not_judged_before_it_is_complete()
    {
        using var plugins = new PluginDirectory();
        plugins.CopyShipped("gastronomy");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload(settle: TimeSpan.FromSeconds(1)));

        // Every file written in two halves, 250 ms apart, and 250 ms between files: the folder is incomplete (no
        // assembly, half an assembly, no deps.json…) for a few seconds, but never quiet for the settle time.
        var folder = plugins.PathOf("christmas-online");
        var copying = HotReloadSupport.CopySlowlyAsync(Path.Combine(PluginDirectory.Shipped, "christmas-online"), folder, TimeSpan.FromMilliseconds(250));
        var seenWhileCopying = new List<string>();
        while (!copying.IsCompleted)
        {
            if (await host.PluginAsync("christmas-online") is { } record)
            {
                seenWhileCopying.Add($"{record.State}: {record.Reason}");
            }

            await Task.Delay(50);
        }

        await copying;
        seenWhileCopying.ShouldBeEmpty("the host acted on the folder before the copy was complete");

        var plugin = await host.WaitUntilLoadedAsync("christmas-online");
        plugin.GrpcServices.ShouldBe([GiftSearchService]);
        (await new GiftSearch.GiftSearchClient(host.Channel).SearchGiftsAsync(new SearchGiftsRequest { Category = "decorations", Limit = 1 })).Gifts.Single().Id.ShouldBe("paper-stars");
        host.Logs.Entries.ShouldNotContain(e => e.Message.Contains($" in {folder} ", StringComparison.Ordinal), "no failure may be recorded mid-copy");
        host.Logs.Entries.Count(e => e.Message.StartsWith($"Campaign plugin christmas-online 1.0.0 loaded from {folder}:", StringComparison.Ordinal)).ShouldBe(1);
        (await host.ListPluginsAsync()).ShouldAllBe(p => p.State == PluginState.Loaded);
    }
}
