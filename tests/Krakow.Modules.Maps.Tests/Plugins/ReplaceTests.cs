using System.Text.Json.Nodes;
using Krakow.Maps.V1;
using Krakow.Plugins.Fixtures.V1;
using Microsoft.Extensions.Logging;
using Shouldly;
using PluginState = Krakow.Maps.V1.PluginState;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// A plugin replaced while the host runs (the versioned fixture: build 1, assembly 1.0.0.0, then build 2, assembly
/// 2.0.0.0, same assembly name, same folder): new calls go to the new version once it has passed every check, a
/// call already running in the old one finishes there, and the old load context is then collected. A new version
/// that fails leaves the running one in place.
/// </summary>
public sealed class ReplaceTests
{
    private const string Versioned = "Krakow.Plugins.Fixtures.Versioned";
    private const string VersionedNext = "Krakow.Plugins.Fixtures.VersionedNext";

    [Fact]
    public async Task New_calls_reach_the_new_version_while_a_call_in_flight_finishes_on_the_old_one_whose_context_is_then_collected()
    {
        using var plugins = new PluginDirectory();
        var folder = plugins.AddFixture("versioned", Versioned, "VersionedCampaign");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());
        var client = new Versioned.VersionedClient(host.Channel);
        var first = await client.WhoAmIAsync(new WhoAmIRequest());
        first.Build.ShouldBe("build 1");
        first.AssemblyVersion.ShouldBe("1.0.0.0");
        first.LoadContext.ShouldBe("plugin:versioned");
        var oldContext = HotReloadSupport.LoadContextOf(host.Registry, "versioned");

        // Calls running in build 1 when build 2 arrives: one held open by its client (client streaming, over
        // gRPC) and a slow one over gRPC-Web.
        using var held = client.Hold();
        await held.RequestStream.WriteAsync(new HoldRequest());
        var slowWeb = new Versioned.VersionedClient(host.WebChannel).WhoAmIAsync(new WhoAmIRequest { DelayMs = 3000 }).ResponseAsync;
        await HotReloadSupport.EventuallyAsync(
            () => Task.FromResult(host.Registry.Current.Entries.Single().Plugin!.Calls.Running), running => running == 2, "both calls to be running in build 1");

        HotReloadSupport.CopyOver(PluginDirectory.FixtureOutput(VersionedNext), folder);
        var manifest = PluginDirectory.ReadManifest(folder);
        manifest["version"] = "2.0.0";
        PluginDirectory.WriteManifest(folder, manifest);

        var replaced = await host.WaitUntilLoadedAsync("versioned", "2.0.0");
        replaced.LastReloadFailure.ShouldBeNull();
        held.ResponseAsync.IsCompleted.ShouldBeFalse("the held call is still running in the old version");

        var next = await client.WhoAmIAsync(new WhoAmIRequest());
        next.Build.ShouldBe("build 2");
        next.AssemblyVersion.ShouldBe("2.0.0.0");
        next.PluginVersion.ShouldBe("2.0.0");
        (await new Versioned.VersionedClient(host.WebChannel).WhoAmIAsync(new WhoAmIRequest())).Build.ShouldBe("build 2");
        (await host.Campaigns.GetCampaignAsync(new GetCampaignRequest { CampaignId = "versioned" })).Name.En.ShouldBe("Versioned campaign (build 2)");

        // The calls that started in build 1 end there, normally.
        await held.RequestStream.WriteAsync(new HoldRequest());
        await held.RequestStream.CompleteAsync();
        var finished = await held.ResponseAsync;
        finished.Build.ShouldBe("build 1");
        finished.AssemblyVersion.ShouldBe("1.0.0.0");
        finished.PluginVersion.ShouldBe("1.0.0");
        (await slowWeb).Build.ShouldBe("build 1");

        // Then nothing holds build 1 any more.
        (await HotReloadSupport.CollectedAsync(oldContext)).ShouldBeTrue("build 1's load context was not collected after its last call");
        host.Logs.Entries.Count(e => e.Message.StartsWith($"Campaign plugin versioned 2.0.0 loaded from {folder} in place of versioned 1.0.0", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_new_version_that_fails_leaves_the_running_one_serving_until_a_good_one_comes()
    {
        using var plugins = new PluginDirectory();
        var folder = plugins.AddFixture("versioned", Versioned, "VersionedCampaign");
        await using var host = await PluginTestHost.StartAsync(plugins.Root, settings: PluginTestHost.FastReload());
        var client = new Versioned.VersionedClient(host.Channel);
        var loadedAt = (await host.WaitUntilLoadedAsync("versioned")).LoadedAt;

        // Version 1.1.0 wants another plugin API: refused, version 1.0.0 keeps serving.
        var manifest = PluginDirectory.ReadManifest(folder);
        manifest["version"] = "1.1.0";
        manifest["pluginApi"] = new JsonObject { ["min"] = 2, ["max"] = 2 };
        PluginDirectory.WriteManifest(folder, manifest);

        var kept = await host.WaitForPluginAsync("versioned", p => p.LastReloadFailure is not null, "the failed reload to be recorded");
        kept.State.ShouldBe(PluginState.Loaded);
        kept.Version.ShouldBe("1.0.0");
        kept.LoadedAt.ShouldBe(loadedAt);
        kept.LastReloadFailure.Version.ShouldBe("1.1.0");
        kept.LastReloadFailure.State.ShouldBe(PluginState.Incompatible);
        kept.LastReloadFailure.Reason.ShouldBe("the plugin supports plugin API 2; this host implements plugin API 1");
        (await client.WhoAmIAsync(new WhoAmIRequest())).PluginVersion.ShouldBe("1.0.0");
        (await host.CampaignIdsAsync()).ShouldBe(["versioned"]);

        var ready = await host.ReadyAsync();
        ready.PluginsStatus.ShouldBe("Degraded");
        ready.For("versioned").State.ShouldBe("Loaded");
        ready.For("versioned").ReloadFailure.ShouldBe("version 1.1.0 incompatible: the plugin supports plugin API 2; this host implements plugin API 1");
        ready.PluginsDescription.ShouldContain("versioned 1.0.0 (versioned) keeps running: its new version 1.1.0 incompatible");

        // Logged once, though the folder is looked at again by every rescan.
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var failures = host.Logs.Entries.Where(e => e.Message.Contains($"in {folder}: the new version 1.1.0", StringComparison.Ordinal)).ToArray();
        failures.ShouldHaveSingleItem().Level.ShouldBe(LogLevel.Error);
        failures[0].Message.ShouldContain("version 1.0.0 keeps running");

        // A good version replaces it, and the failure is history.
        manifest["version"] = "1.2.0";
        manifest["pluginApi"] = new JsonObject { ["min"] = 1, ["max"] = 1 };
        PluginDirectory.WriteManifest(folder, manifest);
        var good = await host.WaitUntilLoadedAsync("versioned", "1.2.0");
        good.LastReloadFailure.ShouldBeNull();
        (await client.WhoAmIAsync(new WhoAmIRequest())).PluginVersion.ShouldBe("1.2.0");
        (await host.ReadyAsync()).PluginsStatus.ShouldBe("Healthy");
    }
}
