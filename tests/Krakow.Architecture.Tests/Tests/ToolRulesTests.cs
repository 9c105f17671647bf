using Krakow.Architecture.Tests.Discovery;
using Krakow.Architecture.Tests.Rules;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>Rule 8, one case per project under tools/.</summary>
public sealed class ToolRulesTests
{
    [Theory]
    [MemberData(nameof(PlatformData.Tools), MemberType = typeof(PlatformData))]
    public void Rule8_a_tool_reaches_the_platform_only_over_grpc(string tool)
    {
        tool.ShouldNotBe(PlatformData.NoneFound, "no tool assemblies found: no project under tools/ was built");
        ArchitectureRules.ToolSpeaksOnlyGrpc(Platforms.Platform, Platforms.Platform.Tool(tool)).ShouldHaveNoViolations();
    }
}
