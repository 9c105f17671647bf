using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace Krakow.Modules.Maps.Infrastructure.Plugins;

/// <summary>
/// Reads a plugin's assemblies with System.Reflection.Metadata, loading nothing: the entry assembly must be a .NET
/// assembly whose references (and those of the assemblies it takes from its own folder) are only the shared
/// assemblies, the .NET shared framework, or files in the plugin's folder — never the platform's own assemblies.
/// </summary>
internal sealed class PluginAssemblyInspector(SharedAssemblies shared)
{
    /// <summary>Plugin assemblies larger than this are refused before reading (the shipped ones are a few tens of KiB).</summary>
    public const long MaxAssemblyBytes = 64L * 1024 * 1024;

    /// <summary>Checks the entry assembly and, transitively, every assembly of the folder it references.</summary>
    /// <exception cref="PluginRejectedException">The first problem found.</exception>
    public void Inspect(string folder, PluginManifest manifest)
    {
        var entryPath = Path.Combine(folder, manifest.EntryAssembly);
        var entryName = Path.GetFileNameWithoutExtension(manifest.EntryAssembly);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<(string Path, string ExpectedName)>();
        pending.Enqueue((entryPath, entryName));
        while (pending.TryDequeue(out var next))
        {
            if (!visited.Add(next.ExpectedName))
            {
                continue;
            }

            foreach (var reference in ReadReferences(folder, next.Path, next.ExpectedName, isEntry: visited.Count == 1))
            {
                if (Classify(reference, folder, Path.GetFileName(next.Path)) && !visited.Contains(reference.Name))
                {
                    pending.Enqueue((Path.Combine(folder, reference.Name + ".dll"), reference.Name));
                }
            }
        }
    }

    /// <summary>True when the reference is a local assembly of the plugin, to be inspected in turn.</summary>
    private bool Classify(AssemblyReferenceInfo reference, string folder, string referrer)
    {
        var name = reference.Name;
        if (SharedAssemblies.IsForbidden(name))
        {
            throw PluginRejectedException.Failed(
                $"{referrer} references {name}, a platform assembly plugins may not use (allowed: {AllowedSummary})");
        }

        if (SharedAssemblies.IsShared(name))
        {
            var host = shared.HostVersion(name);
            if (name == SharedAssemblies.SdkName && reference.Version.Major != SharedAssemblies.ApiVersion)
            {
                throw PluginRejectedException.Incompatible(
                    $"{referrer} is built against plugin API {reference.Version.Major} ({name} {reference.Version}); this host implements plugin API {SharedAssemblies.ApiVersion}");
            }

            if (host is null || reference.Version > host)
            {
                throw PluginRejectedException.Incompatible(
                    $"{referrer} needs {name} {reference.Version}; the host provides {(host is null ? "none" : host.ToString())}");
            }

            return false;
        }

        // As the load context does: the plugin's own copy first (a newer package of a framework assembly, say).
        if (File.Exists(Path.Combine(folder, name + ".dll")))
        {
            return true;
        }

        if (shared.IsFramework(name))
        {
            var host = shared.HostVersion(name);
            if (host is not null && reference.Version > host)
            {
                throw PluginRejectedException.Incompatible(
                    $"{referrer} needs {name} {reference.Version}, newer than the host's .NET ({host})");
            }

            return false;
        }

        throw PluginRejectedException.Failed(
            $"{referrer} references {name}, which is neither shared by the host, part of .NET, nor in the plugin's folder (allowed: {AllowedSummary})");
    }

    private const string AllowedSummary =
        "the plugin SDK, Krakow.Grpc.Core, Google.Protobuf, the DI/logging/options abstractions, .NET itself and the plugin's own folder";

    private static List<AssemblyReferenceInfo> ReadReferences(string folder, string path, string expectedName, bool isEntry)
    {
        var fileName = Path.GetFileName(path);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw PluginRejectedException.Failed($"{fileName} does not exist in the plugin's folder");
        }

        // A link must not lead out of the folder (the manifest's name is plain, but the file could still be a link).
        if (file.LinkTarget is not null)
        {
            var target = file.ResolveLinkTarget(returnFinalTarget: true)?.FullName;
            var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder)) + Path.DirectorySeparatorChar;
            if (target is null || !target.StartsWith(root, StringComparison.Ordinal))
            {
                throw PluginRejectedException.Failed($"{fileName} is a link to a file outside the plugin's folder");
            }

            file = new FileInfo(target);
        }

        if (file.Length == 0)
        {
            throw PluginRejectedException.Failed($"{fileName} is empty (0 bytes)");
        }

        if (file.Length > MaxAssemblyBytes)
        {
            throw PluginRejectedException.Failed($"{fileName} is {file.Length} bytes; plugin assemblies may have at most {MaxAssemblyBytes}");
        }

        try
        {
            using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete);
            using var pe = new PEReader(stream);
            if (!pe.HasMetadata)
            {
                throw PluginRejectedException.Failed($"{fileName} is not a .NET assembly (a native image without metadata)");
            }

            var metadata = pe.GetMetadataReader();
            if (!metadata.IsAssembly)
            {
                throw PluginRejectedException.Failed($"{fileName} is a .NET module without an assembly manifest, not an assembly");
            }

            var name = metadata.GetString(metadata.GetAssemblyDefinition().Name);
            if (!string.Equals(name, expectedName, StringComparison.Ordinal))
            {
                throw PluginRejectedException.Failed($"{fileName} holds the assembly {name}; the file name and the assembly name must agree");
            }

            if (isEntry && (SharedAssemblies.IsShared(name) || SharedAssemblies.IsForbidden(name)))
            {
                throw PluginRejectedException.Failed($"{fileName} is {name}, an assembly of the host, not a plugin");
            }

            var references = new List<AssemblyReferenceInfo>();
            foreach (var handle in metadata.AssemblyReferences)
            {
                var reference = metadata.GetAssemblyReference(handle);
                references.Add(new AssemblyReferenceInfo(metadata.GetString(reference.Name), reference.Version));
            }

            return references;
        }
        catch (BadImageFormatException ex)
        {
            throw PluginRejectedException.Failed($"{fileName} is not a .NET assembly: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw PluginRejectedException.Failed($"{fileName} is not a .NET assembly: {ex.Message}");
        }
        catch (IOException ex)
        {
            throw PluginRejectedException.Failed($"{fileName} cannot be read: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            throw PluginRejectedException.Failed($"{fileName} cannot be read: {ex.Message}");
        }
    }

    private sealed record AssemblyReferenceInfo(string Name, Version Version);
}
