using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Infrastructure.Plugins;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Shouldly;
using PluginState = Krakow.Maps.V1.PluginState;
using Reflection = Grpc.Reflection.V1;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// What the hot reload tests share: bounded waits (a condition polled until it holds or a deadline passes, never a
/// sleep standing for an assertion), the administration and reflection calls, slow copies, and the weak reference
/// that tells whether a plugin's load context was collected.
/// </summary>
internal static class HotReloadSupport
{
    /// <summary>How long a change of the plugins directory may take to show (settle time, incomplete folders, a slow CI machine).</summary>
    public static readonly TimeSpan ChangeDeadline = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds; fails naming <paramref name="what"/> and the last value otherwise.</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? ChangeDeadline);
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {(timeout ?? ChangeDeadline).TotalSeconds} s for {what}; last seen: {Describe(value)}");
            }

            await Task.Delay(100);
        }
    }

    public static CallOptions Administrator => TestApiKeys.As(TestApiKeys.Administrator);

    public static async Task<IReadOnlyList<Plugin>> ListPluginsAsync(this PluginTestHost host) =>
        (await host.Administration.ListPluginsAsync(new ListPluginsRequest(), Administrator)).Plugins;

    /// <summary>The plugin record of a folder (by its name), or null.</summary>
    public static async Task<Plugin?> PluginAsync(this PluginTestHost host, string folderName) =>
        (await host.ListPluginsAsync()).FirstOrDefault(p => p.FolderName == folderName);

    /// <summary>Waits until the folder's record satisfies <paramref name="done"/>.</summary>
    public static async Task<Plugin> WaitForPluginAsync(this PluginTestHost host, string folderName, Func<Plugin, bool> done, string what) =>
        (await EventuallyAsync(() => host.PluginAsync(folderName), p => p is not null && done(p), $"{folderName}: {what}"))!;

    public static Task<Plugin> WaitUntilLoadedAsync(this PluginTestHost host, string folderName, string? version = null) =>
        host.WaitForPluginAsync(folderName, p => p.State == PluginState.Loaded && (version is null || p.Version == version), version is null ? "loaded" : $"version {version} loaded");

    public static async Task WaitUntilGoneAsync(this PluginTestHost host, string folderName) =>
        await EventuallyAsync(() => host.PluginAsync(folderName), p => p is null, $"{folderName} to be forgotten");

    public static async Task<IReadOnlyList<string>> CampaignIdsAsync(this PluginTestHost host) =>
        [.. (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns.Select(c => c.Id).Order(StringComparer.Ordinal)];

    /// <summary>One server reflection (v1) request and its answer.</summary>
    public static async Task<Reflection.ServerReflectionResponse> ReflectAsync(GrpcChannel channel, Reflection.ServerReflectionRequest request)
    {
        using var call = new Reflection.ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo();
        await call.RequestStream.WriteAsync(request);
        await call.RequestStream.CompleteAsync();
        (await call.ResponseStream.MoveNext(CancellationToken.None)).ShouldBeTrue();
        return call.ResponseStream.Current;
    }

    public static async Task<IReadOnlyList<string>> ReflectedServicesAsync(GrpcChannel channel) =>
        [.. (await ReflectAsync(channel, new Reflection.ServerReflectionRequest { ListServices = "" })).ListServicesResponse.Service.Select(s => s.Name)];

    /// <summary>Copies a folder file by file (the manifest first), each file in two halves, pausing between writes: a slow upload.</summary>
    public static async Task CopySlowlyAsync(string source, string target, TimeSpan pause)
    {
        Directory.CreateDirectory(target);
        var files = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories)
            .OrderBy(f => Path.GetFileName(f) == "plugin.json" ? 0 : 1)
            .ThenBy(f => f, StringComparer.Ordinal)
            .ToArray();
        foreach (var file in files)
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            var bytes = await File.ReadAllBytesAsync(file);
            await using (var stream = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
            {
                await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
                await stream.FlushAsync();
                await Task.Delay(pause);
                await stream.WriteAsync(bytes.AsMemory(bytes.Length / 2));
            }

            await Task.Delay(pause);
        }
    }

    /// <summary>Copies every file of <paramref name="source"/> over those of <paramref name="target"/> (a new version, replaced in place).</summary>
    public static void CopyOver(string source, string target)
    {
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    /// <summary>A weak reference to the load context of the loaded plugin <paramref name="id"/>; nothing else of it stays on this stack.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static WeakReference LoadContextOf(PluginRegistry registry, string id) =>
        registry.Current.Entries.Single(e => e.Record.Id == id && e.Plugin is not null).Plugin!.LoadContextReference;

    /// <summary>Collects garbage until the referent is gone (true) or a bounded number of rounds has passed (false).</summary>
    public static async Task<bool> CollectedAsync(WeakReference reference, int rounds = 60)
    {
        for (var round = 0; round < rounds && reference.IsAlive; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(100);
        }

        return !reference.IsAlive;
    }

    private static string Describe<T>(T value) => value switch
    {
        null => "nothing",
        Plugin plugin => $"{plugin.FolderName} {plugin.Version} {plugin.State}: {plugin.Reason} {plugin.LastReloadFailure}",
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object>()) + "]",
        _ => value.ToString() ?? string.Empty,
    };
}
