using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Plugins.ChristmasOnline.V1;
using Shouldly;
using PluginState = Krakow.Maps.V1.PluginState;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>krakow.maps.v1.PluginAdministration: administrators only; every plugin folder with its state; a forced reload.</summary>
public sealed class PluginAdministrationTests(PluginAdministrationTests.Host fixture) : IClassFixture<PluginAdministrationTests.Host>
{
    [Fact]
    public async Task Only_administrators_may_use_it()
    {
        var client = fixture.Server.Administration;
        (await Should.ThrowAsync<RpcException>(client.ListPluginsAsync(new ListPluginsRequest()).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await Should.ThrowAsync<RpcException>(client.ReloadPluginAsync(new ReloadPluginRequest { Id = "gastronomy" }).ResponseAsync)).StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await Should.ThrowAsync<RpcException>(client.ListPluginsAsync(new ListPluginsRequest(), TestApiKeys.As(TestApiKeys.Moderator)).ResponseAsync))
            .StatusCode.ShouldBe(StatusCode.PermissionDenied);
    }

    [Fact]
    public async Task Lists_every_plugin_folder_with_its_state()
    {
        var response = await fixture.Server.Administration.ListPluginsAsync(new ListPluginsRequest(), HotReloadSupport.Administrator);
        response.MissingDirectories.ShouldBeEmpty();
        response.Plugins.Select(p => p.FolderName).ShouldBe(["christmas-online", "describe-throws", "gastronomy", "no-manifest"]);

        var christmas = response.Plugins[0];
        christmas.Id.ShouldBe("christmas-online");
        christmas.Name.ShouldBe("This Christmas I order online! (Święta zamawiam online!)");
        christmas.Version.ShouldBe("1.0.0");
        christmas.Folder.ShouldBe(fixture.Plugins.PathOf("christmas-online"));
        christmas.State.ShouldBe(PluginState.Loaded);
        christmas.Reason.ShouldBeEmpty();
        christmas.CampaignId.ShouldBe("christmas-online");
        christmas.GrpcServices.ShouldBe(["krakow.plugins.christmas.v1.GiftSearch"]);
        christmas.LoadedAt.ShouldNotBeNull();
        christmas.LastReloadFailure.ShouldBeNull();

        response.Plugins[2].GrpcServices.ShouldBeEmpty();

        var throws = response.Plugins[1];
        throws.State.ShouldBe(PluginState.Failed);
        throws.Id.ShouldBe("describe-throws");
        throws.Reason.ShouldContain("Describe threw System.InvalidOperationException");
        throws.LoadedAt.ShouldBeNull();
        throws.RecordedAt.ShouldNotBeNull();
        throws.CampaignId.ShouldBeEmpty();

        var noManifest = response.Plugins[3];
        noManifest.Id.ShouldBeEmpty();
        noManifest.Version.ShouldBeEmpty();
        noManifest.State.ShouldBe(PluginState.Failed);
        noManifest.Reason.ShouldBe("no plugin.json in the plugin folder");
    }

    [Fact]
    public async Task Reload_loads_a_plugin_again_in_a_new_load_context_and_keeps_it_serving()
    {
        var before = (await fixture.Server.PluginAsync("gastronomy"))!;
        var context = HotReloadSupport.LoadContextOf(fixture.Server.Registry, "gastronomy");

        var reloaded = await fixture.Server.Administration.ReloadPluginAsync(new ReloadPluginRequest { Id = "gastronomy" }, HotReloadSupport.Administrator);
        reloaded.State.ShouldBe(PluginState.Loaded);
        reloaded.Version.ShouldBe("1.0.0");
        reloaded.LoadedAt.ToDateTimeOffset().ShouldBeGreaterThan(before.LoadedAt.ToDateTimeOffset());
        (await fixture.Server.CampaignIdsAsync()).ShouldContain("gastronomy");
        (await HotReloadSupport.CollectedAsync(context)).ShouldBeTrue("the replaced load context was not collected");
        fixture.Server.Logs.Entries.ShouldContain(e => e.Message.StartsWith(
            $"Campaign plugin gastronomy 1.0.0 loaded from {fixture.Plugins.PathOf("gastronomy")} in place of gastronomy 1.0.0", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reloading_a_plugin_with_a_service_keeps_the_service_answering()
    {
        var gifts = new GiftSearch.GiftSearchClient(fixture.Server.Channel);
        var reload = fixture.Server.Administration.ReloadPluginAsync(new ReloadPluginRequest { Id = "christmas-online" }, HotReloadSupport.Administrator).ResponseAsync;
        while (!reload.IsCompleted)
        {
            // Whatever the moment, the service answers: from the old version or from the new one.
            (await gifts.SearchGiftsAsync(new SearchGiftsRequest { Category = "books-toys" })).Gifts.Count.ShouldBe(3);
        }

        (await reload).GrpcServices.ShouldBe(["krakow.plugins.christmas.v1.GiftSearch"]);
        (await gifts.SearchGiftsAsync(new SearchGiftsRequest { Category = "books-toys" })).Gifts.Count.ShouldBe(3);
    }

    [Fact]
    public async Task Reloading_a_failed_plugin_records_it_again_and_unknown_ids_are_not_found()
    {
        var failed = await fixture.Server.Administration.ReloadPluginAsync(new ReloadPluginRequest { Id = "no-manifest" }, HotReloadSupport.Administrator);
        failed.State.ShouldBe(PluginState.Failed);
        failed.Reason.ShouldBe("no plugin.json in the plugin folder");

        var unknown = await Should.ThrowAsync<RpcException>(
            fixture.Server.Administration.ReloadPluginAsync(new ReloadPluginRequest { Id = "no-such-plugin" }, HotReloadSupport.Administrator).ResponseAsync);
        unknown.StatusCode.ShouldBe(StatusCode.NotFound);
        unknown.Status.Detail.ShouldBe("No plugin with id 'no-such-plugin'.");
        (await Should.ThrowAsync<RpcException>(
            fixture.Server.Administration.ReloadPluginAsync(new ReloadPluginRequest(), HotReloadSupport.Administrator).ResponseAsync)).StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    public sealed class Host : IAsyncLifetime
    {
        internal PluginDirectory Plugins { get; } = new();

        internal PluginTestHost Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Plugins.CopyShipped("christmas-online");
            Plugins.CopyShipped("gastronomy");
            Plugins.AddFixture("describe-throws", PluginDirectory.MisbehavingFixture, "ThrowingCampaign");
            File.Copy(
                Path.Combine(PluginDirectory.FixtureOutput(PluginDirectory.MisbehavingFixture), PluginDirectory.MisbehavingFixture + ".dll"),
                Path.Combine(Plugins.AddEmptyFolder("no-manifest"), PluginDirectory.MisbehavingFixture + ".dll"));
            Server = await PluginTestHost.StartAsync(Plugins.Root, settings: new Dictionary<string, string?> { ["Maps:PluginWatch"] = "false" });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Plugins.Dispose();
        }
    }
}
