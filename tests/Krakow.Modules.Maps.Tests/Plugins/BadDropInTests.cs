using System.Net;
using System.Text.Json.Nodes;
using Krakow.Maps.V1;
using Krakow.Plugins.ChristmasOnline.V1;
using Microsoft.Extensions.Logging;
using Shouldly;
using PluginState = Krakow.Maps.V1.PluginState;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// Bad plugins dropped into a running host's plugins directories: each is contained and reported (state and reason
/// in ListPlugins and /readyz, logged once), never fatal; the host and every other campaign keep serving. A plugin
/// whose campaign id or gRPC service another loaded plugin holds is refused, and gets its chance when that one goes.
/// </summary>
public sealed class BadDropInTests(BadDropInTests.Host fixture) : IClassFixture<BadDropInTests.Host>
{
    private const string Misbehaving = PluginDirectory.MisbehavingFixture;

    /// <summary>Folder dropped into the main directory → expected state and a fragment of the reason.</summary>
    public static TheoryData<string, string, string> Cases() => new()
    {
        { "no-manifest", "Failed", "no plugin.json in the plugin folder" },
        { "escapes-folder", "Failed", "entryAssembly '../Krakow.Plugins.Fixtures.Misbehaving.dll' must be a plain file name inside the plugin's folder" },
        { "missing-assembly", "Failed", "Krakow.Plugins.Missing.dll does not exist in the plugin's folder" },
        { "empty-assembly", "Failed", "Krakow.Plugins.Empty.dll is empty (0 bytes)" },
        { "text-assembly", "Failed", "Krakow.Plugins.Text.dll is not a .NET assembly" },
        { "future-api", "Incompatible", "the plugin supports plugin API 2–3; this host implements plugin API 1" },
        { "describe-throws", "Failed", "Describe threw System.InvalidOperationException: the fixture's Describe always throws" },
        { "describe-hangs", "Failed", "did not return within 2 s" },
        { "constructor-throws", "Failed", "threw System.NotSupportedException: the fixture's constructor always throws" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Each_bad_plugin_dropped_in_is_reported_with_its_reason_and_logged_once(string folder, string state, string reason)
    {
        var path = fixture.Plugins.PathOf(folder);
        var plugin = (await fixture.Server.PluginAsync(folder)).ShouldNotBeNull();
        plugin.State.ToString().ShouldBe(state);
        plugin.Reason.ShouldContain(reason, Case.Sensitive);
        plugin.CampaignId.ShouldBeEmpty();
        plugin.LoadedAt.ShouldBeNull();

        var entry = (await fixture.Server.ReadyAsync()).For(folder);
        entry.State.ShouldBe(state);
        entry.Reason.ShouldBe(plugin.Reason);

        var logged = fixture.Server.Logs.Entries.Where(e => e.Message.Contains($" in {path} ", StringComparison.Ordinal)).ToArray();
        logged.ShouldHaveSingleItem().Level.ShouldBe(state == "Failed" ? LogLevel.Error : LogLevel.Warning);
        logged[0].Message.ShouldContain(plugin.Reason);
    }

    [Fact]
    public async Task The_host_and_the_other_campaigns_keep_serving()
    {
        (await fixture.Server.CampaignIdsAsync()).ShouldBe(["christmas-online", "gastronomy", "im-active", "well-behaved"]);
        (await new GiftSearch.GiftSearchClient(fixture.Server.Channel).SearchGiftsAsync(new SearchGiftsRequest { Category = "gifts" })).Gifts.Count.ShouldBe(3);

        var ready = await fixture.Server.ReadyAsync();
        ready.HttpStatus.ShouldBe(HttpStatusCode.OK);
        ready.PluginsStatus.ShouldBe("Degraded");
        ready.PluginsDescription.ShouldContain("describe-throws 1.0.0 (describe-throws) failed: ");
        using var healthz = await fixture.Server.Web.GetAsync(new Uri("/healthz", UriKind.Relative));
        healthz.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_plugin_claiming_a_loaded_campaign_id_is_refused_and_loads_once_the_holder_is_removed()
    {
        // The duplicate was dropped into the additional directory while the main one's gastronomy ran.
        var duplicate = Path.Combine(fixture.Extra.Root, "gastronomy");
        var refused = (await fixture.Server.ListPluginsAsync()).Single(p => p.Folder == duplicate);
        refused.State.ShouldBe(PluginState.Failed);
        refused.Reason.ShouldBe($"campaign id gastronomy is already provided by plugin gastronomy ({fixture.Plugins.PathOf("gastronomy")})");
        fixture.Server.Logs.Entries.Count(e => e.Message.Contains($" in {duplicate} ", StringComparison.Ordinal)).ShouldBe(1);

        // Its holder goes: the duplicate gets its chance, without any change to its own files.
        await fixture.RemoveHolderOnceAsync();
        var loaded = await HotReloadSupport.EventuallyAsync(
            () => fixture.Server.ListPluginsAsync(), plugins => plugins.Any(p => p.Folder == duplicate && p.State == PluginState.Loaded), "the duplicate to load");
        loaded.Count(p => p.CampaignId == "gastronomy").ShouldBe(1);
        (await fixture.Server.CampaignIdsAsync()).ShouldContain("gastronomy");
    }

    [Fact]
    public void A_plugin_whose_grpc_service_another_plugin_exposes_is_refused()
    {
        fixture.ServiceClash.State.ShouldBe(PluginState.Failed);
        fixture.ServiceClash.Reason.ShouldBe(
            "its gRPC services cannot be exposed: A gRPC service named 'krakow.plugins.fixtures.v1.Versioned' is already mapped.");
        fixture.ServiceClash.GrpcServices.ShouldBeEmpty();
    }

    /// <summary>
    /// Starts the host with good plugins, then drops every bad folder in (as a deployment would: each copied in
    /// place, not renamed into it) and waits until each is recorded.
    /// </summary>
    public sealed class Host : IAsyncLifetime
    {
        private readonly SemaphoreSlim removal = new(1, 1);
        private bool holderRemoved;

        internal PluginDirectory Plugins { get; } = new();

        internal PluginDirectory Extra { get; } = new();

        internal PluginTestHost Server { get; private set; } = null!;

        internal Plugin ServiceClash { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Plugins.CopyShipped("christmas-online");
            Plugins.CopyShipped("gastronomy");
            Plugins.CopyShipped("im-active");
            Plugins.AddFixture("well-behaved", Misbehaving, "WellBehavedCampaign");
            Server = await PluginTestHost.StartAsync(Plugins.Root, [Extra.Root], TimeSpan.FromSeconds(2), PluginTestHost.FastReload());

            File.Copy(Path.Combine(PluginDirectory.FixtureOutput(Misbehaving), Misbehaving + ".dll"), Path.Combine(Plugins.AddEmptyFolder("no-manifest"), Misbehaving + ".dll"));
            Plugins.AddFixture("escapes-folder", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "../" + Misbehaving + ".dll");
            Plugins.AddFixture("missing-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Missing.dll");
            var empty = Plugins.AddFixture("empty-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Empty.dll");
            await File.WriteAllBytesAsync(Path.Combine(empty, "Krakow.Plugins.Empty.dll"), []);
            var text = Plugins.AddFixture("text-assembly", Misbehaving, "WellBehavedCampaign", m => m["entryAssembly"] = "Krakow.Plugins.Text.dll");
            await File.WriteAllTextAsync(Path.Combine(text, "Krakow.Plugins.Text.dll"), "This is not an assembly, only text with a .dll name.");
            Plugins.AddFixture("future-api", Misbehaving, "WellBehavedCampaign", m => m["pluginApi"] = new JsonObject { ["min"] = 2, ["max"] = 3 });
            Plugins.AddFixture("describe-throws", Misbehaving, "ThrowingCampaign");
            Plugins.AddFixture("describe-hangs", Misbehaving, "HangingCampaign");
            Plugins.AddFixture("constructor-throws", Misbehaving, "ThrowingConstructorCampaign");
            Extra.CopyShipped("gastronomy");

            var expected = Cases().Select(row => (string)row[0]).ToHashSet(StringComparer.Ordinal);
            await HotReloadSupport.EventuallyAsync(
                () => Server.ListPluginsAsync(),
                plugins => expected.All(folder => plugins.Any(p => p.FolderName == folder)) && plugins.Any(p => p.Folder == Path.Combine(Extra.Root, "gastronomy")),
                "every bad plugin to be recorded");

            // Two plugins exposing one gRPC service: the second one in is refused.
            Plugins.AddFixture("versioned-a", "Krakow.Plugins.Fixtures.Versioned", "VersionedCampaign");
            await Server.WaitUntilLoadedAsync("versioned-a");
            Plugins.AddFixture("versioned-b", "Krakow.Plugins.Fixtures.Versioned", "VersionedCampaign");
            ServiceClash = await Server.WaitForPluginAsync("versioned-b", p => p.State != PluginState.Loaded, "refused");
            Directory.Delete(Plugins.PathOf("versioned-a"), recursive: true);
            Directory.Delete(Plugins.PathOf("versioned-b"), recursive: true);
            await Server.WaitUntilGoneAsync("versioned-a");
            await Server.WaitUntilGoneAsync("versioned-b");
        }

        /// <summary>Removes the main directory's gastronomy (once, whichever test asks first).</summary>
        internal async Task RemoveHolderOnceAsync()
        {
            await removal.WaitAsync();
            try
            {
                if (!holderRemoved)
                {
                    Directory.Delete(Plugins.PathOf("gastronomy"), recursive: true);
                    holderRemoved = true;
                }
            }
            finally
            {
                removal.Release();
            }
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Plugins.Dispose();
            Extra.Dispose();
            removal.Dispose();
        }
    }
}
