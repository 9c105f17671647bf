using System.Runtime.CompilerServices;
using Krakow.Modules.Maps.Infrastructure.Plugins;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// The registry's run-time operations, which hot reload builds on: loading one folder, unloading a plugin so that its
/// load context is really collected, and the catalogue following along. These build the registry themselves (no
/// host, no endpoints); the hot reload tests (DropInTests, ReplaceTests, RemoveTests…) drive the same operations
/// through a running host.
/// </summary>
public sealed class PluginRegistryTests
{
    [Fact]
    public async Task A_plugin_loaded_and_unloaded_at_run_time_leaves_the_catalogue_and_its_load_context_is_collected()
    {
        using var plugins = new PluginDirectory();
        plugins.CopyShipped("gastronomy");
        var (registry, catalog) = Create(plugins.Root);
        using var registryScope = registry;
        using var catalogScope = catalog;
        var changes = 0;
        catalog.Changed += (_, _) => changes++;

        await registry.LoadAllAsync(CancellationToken.None);
        catalog.Find("gastronomy").ShouldNotBeNull().PluginVersion.ShouldBe("1.0.0");
        var versionAfterStart = catalog.Version;

        var record = await registry.LoadAsync(plugins.CopyShipped("im-active"), CancellationToken.None);
        record.State.ShouldBe(PluginState.Loaded);
        record.LoadedAt.ShouldNotBeNull();
        catalog.Campaigns.Select(c => c.Id).ShouldBe(["gastronomy", "im-active"]);
        catalog.Version.ShouldBeGreaterThan(versionAfterStart);

        var collected = await UnloadAndCollectAsync(registry, "im-active");
        collected.ShouldBeTrue("the im-active load context was not collected: something still references the plugin");
        catalog.Find("im-active").ShouldBeNull();
        catalog.Campaigns.Select(c => c.Id).ShouldBe(["gastronomy"]);
        registry.Current.Records.Select(r => r.Id).ShouldBe(["gastronomy"]);
        changes.ShouldBe(3);

        (await registry.UnloadAsync("im-active", CancellationToken.None)).ShouldBeNull();
    }

    [Fact]
    public async Task Loading_a_folder_again_replaces_its_plugin()
    {
        using var plugins = new PluginDirectory();
        var folder = plugins.CopyShipped("christmas-online");
        var (registry, catalog) = Create(plugins.Root);
        using var registryScope = registry;
        using var catalogScope = catalog;
        await registry.LoadAllAsync(CancellationToken.None);

        var manifest = PluginDirectory.ReadManifest(folder);
        manifest["version"] = "1.1.0";
        PluginDirectory.WriteManifest(folder, manifest);
        (await registry.LoadAsync(folder, CancellationToken.None)).Version.ShouldBe("1.1.0");

        registry.Current.Records.ShouldHaveSingleItem().Version.ShouldBe("1.1.0");
        catalog.Find("christmas-online").ShouldNotBeNull().PluginVersion.ShouldBe("1.1.0");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<bool> UnloadAndCollectAsync(PluginRegistry registry, string id)
    {
        var unloaded = await registry.UnloadAsync(id, CancellationToken.None);
        unloaded.ShouldNotBeNull().Record.Id.ShouldBe(id);
        for (var attempt = 0; attempt < 20 && !unloaded.IsCollected; attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            await Task.Delay(50);
        }

        return unloaded.IsCollected;
    }

    private static (PluginRegistry Registry, PluginCampaignCatalog Catalog) Create(string directory)
    {
        var options = new PluginOptions([directory], TimeSpan.FromSeconds(5));
        var shared = new SharedAssemblies();
        var loader = new PluginLoader(shared, new PluginAssemblyInspector(shared), options);
        var registry = new PluginRegistry(loader, options, TimeProvider.System, NullLogger<PluginRegistry>.Instance);
        return (registry, new PluginCampaignCatalog(registry, NullLogger<PluginCampaignCatalog>.Instance));
    }
}
