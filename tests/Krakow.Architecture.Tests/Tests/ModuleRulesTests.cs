using Krakow.Architecture.Tests.Discovery;
using Krakow.Architecture.Tests.Model;
using Krakow.Architecture.Tests.Rules;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>Rules 1, 2, 6 and 7, one case per module discovered under src/Modules.</summary>
public sealed class ModuleRulesTests
{
    [Theory]
    [MemberData(nameof(PlatformData.Modules), MemberType = typeof(PlatformData))]
    public void Rule1_a_module_uses_other_modules_only_through_their_contracts(string module) =>
        ArchitectureRules.ModuleUsesOtherModulesOnlyThroughContracts(Platforms.Platform, Module(module)).ShouldHaveNoViolations();

    [Theory]
    [MemberData(nameof(PlatformData.Modules), MemberType = typeof(PlatformData))]
    public void Rule2_contracts_build_only_on_the_bcl_and_contracts(string module) =>
        ArchitectureRules.ContractsBuildOnlyOnContracts(Platforms.Platform, Module(module)).ShouldHaveNoViolations();

    [Theory]
    [MemberData(nameof(PlatformData.Modules), MemberType = typeof(PlatformData))]
    public void Rule6_the_domain_depends_on_no_outer_layer_nor_infrastructure_technology(string module) =>
        ArchitectureRules.DomainStaysPure(Module(module)).ShouldHaveNoViolations();

    [Theory]
    [MemberData(nameof(PlatformData.Modules), MemberType = typeof(PlatformData))]
    public void Rule7_only_the_entry_type_of_a_module_is_public(string module) =>
        ArchitectureRules.OnlyTheEntryTypeIsPublic(Module(module)).ShouldHaveNoViolations();

    private static ModuleAssemblies Module(string name)
    {
        name.ShouldNotBe(PlatformData.NoneFound, "no module found under src/Modules/<Context>/Krakow.Modules.<Context>/");
        return Platforms.Platform.Module(name);
    }
}
