using System.Reflection;
using System.Runtime.Loader;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// One collectible load context per plugin. The shared assemblies and the .NET framework are left to the default
/// context (the host's copies, so types unify); everything else comes from the plugin's own folder, resolved through
/// its .deps.json by <see cref="AssemblyDependencyResolver"/>. Nothing else of the host is reachable.
/// </summary>
internal sealed class PluginLoadContext : AssemblyLoadContext
{
    private readonly AssemblyDependencyResolver resolver;
    private readonly SharedAssemblies shared;
    private readonly string folder;

    public PluginLoadContext(string pluginId, string entryAssemblyPath, SharedAssemblies shared)
        : base($"plugin:{pluginId}", isCollectible: true)
    {
        resolver = new AssemblyDependencyResolver(entryAssemblyPath);
        this.shared = shared;
        folder = Path.GetDirectoryName(entryAssemblyPath)!;
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name ?? string.Empty;
        if (SharedAssemblies.IsShared(name))
        {
            return null;
        }

        if (SharedAssemblies.IsForbidden(name))
        {
            throw new FileNotFoundException($"{name} is a platform assembly; plugins may not load it.", name);
        }

        var path = resolver.ResolveAssemblyToPath(assemblyName);
        if (path is null && name.IndexOfAny(['/', '\\']) < 0 && File.Exists(Path.Combine(folder, name + ".dll")))
        {
            path = Path.Combine(folder, name + ".dll");
        }

        if (path is not null)
        {
            return LoadFromAssemblyPath(path);
        }

        if (shared.IsFramework(name))
        {
            return null;
        }

        throw new FileNotFoundException($"{name} is neither shared by the host, part of .NET, nor in the plugin's folder.", name);
    }

    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        var path = resolver.ResolveUnmanagedDllToPath(unmanagedDllName);
        return path is null ? IntPtr.Zero : LoadUnmanagedDllFromPath(path);
    }
}
