using Krakow.Architecture.Tests.Discovery;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>
/// Theory data from discovery: one case per module, plugin or tool. An empty set yields one case named
/// <see cref="NoneFound"/>, which fails: a rule that runs over nothing must not pass.
/// </summary>
public static class PlatformData
{
    public const string NoneFound = "(none found)";

    public static TheoryData<string> Modules => Cases(Platforms.Platform.Modules.Select(module => module.Name));

    public static TheoryData<string> Plugins => Cases(Platforms.Platform.Plugins.Select(plugin => plugin.Name));

    public static TheoryData<string> Tools => Cases(Platforms.Platform.Tools.Select(tool => tool.Name));

    private static TheoryData<string> Cases(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (var name in names.DefaultIfEmpty(NoneFound))
        {
            data.Add(name);
        }

        return data;
    }
}
