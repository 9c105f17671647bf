using System.Collections.Concurrent;
using Mono.Cecil;

namespace Krakow.Architecture.Tests.Analysis;

/// <summary>
/// Reads assemblies with Cecil, in memory (no file stays open while other builds write), and resolves the
/// assemblies they reference by simple name: the test's own load context first (the BCL, ASP.NET Core and, through
/// the referenced host, every package the platform uses), then the folders of the assemblies read so far.
/// Resolution is needed only to decode attribute arguments whose types live elsewhere (enums); it never decides a rule.
/// </summary>
internal sealed class AssemblyReader : IAssemblyResolver
{
    private readonly ConcurrentDictionary<string, AssemblyDefinition> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, byte> _folders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _trusted;
    private readonly object _gate = new();

    public AssemblyReader()
    {
        var tpa = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        _trusted = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in tpa)
        {
            _trusted.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }
    }

    /// <summary>Reads the assembly at <paramref name="path"/>; its folder joins the resolver's search folders.</summary>
    public AssemblyDefinition Read(string path)
    {
        lock (_gate)
        {
            _folders.TryAdd(Path.GetDirectoryName(Path.GetFullPath(path))!, 0);
            return AssemblyDefinition.ReadAssembly(path, Parameters());
        }
    }

    public AssemblyDefinition Resolve(AssemblyNameReference name) => Resolve(name, Parameters());

    public AssemblyDefinition Resolve(AssemblyNameReference name, ReaderParameters parameters)
    {
        lock (_gate)
        {
            if (_byName.TryGetValue(name.Name, out var known))
            {
                return known;
            }

            var path = Find(name.Name) ?? throw new AssemblyResolutionException(name);
            var assembly = AssemblyDefinition.ReadAssembly(path, Parameters());
            _byName[name.Name] = assembly;
            return assembly;
        }
    }

    public void Dispose()
    {
        foreach (var assembly in _byName.Values)
        {
            assembly.Dispose();
        }
    }

    private string? Find(string simpleName)
    {
        if (_trusted.TryGetValue(simpleName, out var trusted))
        {
            return trusted;
        }

        return _folders.Keys
            .Select(folder => Path.Combine(folder, simpleName + ".dll"))
            .FirstOrDefault(File.Exists);
    }

    private ReaderParameters Parameters() => new()
    {
        AssemblyResolver = this,
        InMemory = true,
        ReadSymbols = false,
        ReadingMode = ReadingMode.Deferred,
    };
}
