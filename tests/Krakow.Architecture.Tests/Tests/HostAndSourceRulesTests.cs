using Krakow.Architecture.Tests.Discovery;
using Krakow.Architecture.Tests.Rules;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>Rule 3 over the host, rule 4 over every assembly built from src/ (it fails while no plugin exists: it would have nothing to forbid).</summary>
public sealed class HostAndSourceRulesTests
{
    [Fact]
    public void Rule3_the_host_reaches_modules_only_through_contracts_and_entry_types() =>
        ArchitectureRules.HostReachesModulesThroughContractsAndEntryTypes(Platforms.Platform).ShouldHaveNoViolations();

    [Fact]
    public void Rule4_nothing_in_src_references_a_plugin_assembly() =>
        ArchitectureRules.SourceDoesNotReferencePlugins(Platforms.Platform).ShouldHaveNoViolations();
}
