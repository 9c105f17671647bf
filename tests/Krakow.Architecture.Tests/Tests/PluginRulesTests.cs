using Krakow.Architecture.Tests.Discovery;
using Krakow.Architecture.Tests.Rules;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>Rule 5, one case per project under plugins/.</summary>
public sealed class PluginRulesTests
{
    [Theory]
    [MemberData(nameof(PlatformData.Plugins), MemberType = typeof(PlatformData))]
    public void Rule5_a_plugin_references_only_the_sdk_protobuf_the_grpc_surface_and_the_bcl(string plugin)
    {
        plugin.ShouldNotBe(PlatformData.NoneFound, "no plugin assemblies found: no project under plugins/ was built");
        ArchitectureRules.PluginReferencesOnlyTheSdk(Platforms.Platform, Platforms.Platform.Plugin(plugin)).ShouldHaveNoViolations();
    }
}
