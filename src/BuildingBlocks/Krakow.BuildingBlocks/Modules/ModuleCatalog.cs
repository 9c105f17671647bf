using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Scrutor;

namespace Krakow.BuildingBlocks.Modules;

/// <summary>
/// The modules the host found: every public <see cref="IModule"/> in the application's <c>Krakow.Modules.*</c>
/// assemblies (found with Scrutor), split into enabled and disabled by <c>Modules:&lt;Name&gt;:Enabled</c>.
/// </summary>
public sealed class ModuleCatalog
{
    public const string ModuleAssemblyPrefix = "Krakow.Modules.";

    private ModuleCatalog(IReadOnlyList<IModule> enabled, IReadOnlyList<string> disabled)
    {
        Enabled = enabled;
        Disabled = disabled;
    }

    public IReadOnlyList<IModule> Enabled { get; }

    public IReadOnlyList<string> Disabled { get; }

    /// <summary>Discovers modules in the application's dependencies (or in <paramref name="assemblies"/>, for tests).</summary>
    public static ModuleCatalog Discover(IConfiguration configuration, IEnumerable<Assembly>? assemblies = null)
    {
        var found = new ServiceCollection();
        found.Scan(scan =>
        {
            var source = assemblies is null
                ? scan.FromApplicationDependencies(IsModuleAssembly)
                : scan.FromAssemblies(assemblies.Where(IsModuleAssembly));
            source.AddClasses(classes => classes.AssignableTo<IModule>(), publicOnly: true).As<IModule>().WithSingletonLifetime();
        });

        var enabled = new List<IModule>();
        var disabled = new List<string>();
        foreach (var type in found.Select(d => d.ImplementationType!).Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var module = (IModule)(Activator.CreateInstance(type)
                ?? throw new InvalidOperationException($"Module {type} needs a public parameterless constructor."));
            if (enabled.Any(m => m.Name == module.Name))
            {
                throw new InvalidOperationException($"Two modules are named '{module.Name}'.");
            }

            if (IsEnabled(configuration, module.Name))
            {
                enabled.Add(module);
            }
            else
            {
                disabled.Add(module.Name);
            }
        }

        return new ModuleCatalog(enabled, disabled);
    }

    private static bool IsModuleAssembly(Assembly assembly)
    {
        var name = assembly.GetName().Name ?? string.Empty;
        return name.StartsWith(ModuleAssemblyPrefix, StringComparison.Ordinal) && !name.EndsWith(".Contracts", StringComparison.Ordinal);
    }

    private static bool IsEnabled(IConfiguration configuration, string moduleName)
    {
        var key = $"Modules:{moduleName}:Enabled";
        var value = configuration[key];
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        return bool.TryParse(value, out var enabled)
            ? enabled
            : throw new Configuration.PlatformConfigurationException(key, $"must be true or false, not '{value}'");
    }
}
