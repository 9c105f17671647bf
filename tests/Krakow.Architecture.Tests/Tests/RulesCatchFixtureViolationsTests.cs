using Krakow.Architecture.Tests.Analysis;
using Krakow.Architecture.Tests.Discovery;
using Krakow.Architecture.Tests.Model;
using Krakow.Architecture.Tests.Rules;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>
/// Every rule can fail: run over the deliberately violating fixtures (Fixtures/README.md), each rule reports the
/// exact offending type and the path to it, although each violation hides where a shallow check would not look.
/// </summary>
public sealed class RulesCatchFixtureViolationsTests
{
    private static PlatformAssemblies Fixtures => Platforms.Fixtures;

    private static ModuleAssemblies Violating => Fixtures.Module("Violating");

    [Fact]
    public void Rule1_finds_another_modules_implementation_named_only_in_a_lambda_body()
    {
        var result = ArchitectureRules.ModuleUsesOtherModulesOnlyThroughContracts(Fixtures, Violating);

        var hit = ShouldReport(result, "Krakow.Modules.Neighbour.Domain.NeighbourMember", "Krakow.Modules.Neighbour");
        hit.Source.ShouldBe("Krakow.Modules.Violating.Application.NeighbourLookup/<>c");
        hit.Via.ShouldStartWith("method <Factory>b__");
        hit.Via.ShouldContain("body (call)");
        result.Violations.Where(v => v.Via != "assembly reference").ShouldAllBe(v => v.Source.Contains("<>c"), "named nowhere but in the closure class");
        result.Violations.ShouldContain(v => v.Via == "assembly reference" && v.TargetAssembly == "Krakow.Modules.Neighbour");
    }

    [Fact]
    public void Rule2_finds_ef_core_named_only_in_a_generic_constraint_of_the_contracts()
    {
        var result = ArchitectureRules.ContractsBuildOnlyOnContracts(Fixtures, Violating);

        var hit = ShouldReport(result, "Microsoft.EntityFrameworkCore.DbContext", "Microsoft.EntityFrameworkCore");
        hit.Source.ShouldBe("Krakow.Modules.Violating.Contracts.IViolatingQueries");
        hit.Via.ShouldBe("method CountAsync generic constraint on TStore");
        hit.Reason.ShouldBe("EF Core");
    }

    [Fact]
    public void Rule3_finds_a_non_entry_module_type_named_only_in_an_async_state_machine_and_allows_the_entry_type()
    {
        var result = ArchitectureRules.HostReachesModulesThroughContractsAndEntryTypes(Fixtures);

        var hit = ShouldReport(result, "Krakow.Modules.Violating.Api.LeakyEndpoint", "Krakow.Modules.Violating");
        hit.Source.ShouldStartWith("Krakow.Fixtures.Host.Startup/<WarmUpAsync>d__");
        hit.Via.ShouldStartWith("method MoveNext body");
        result.Violations.ShouldAllBe(v => v.Target == "Krakow.Modules.Violating.Api.LeakyEndpoint", "the entry type ViolatingModule is allowed");
        DependencyWalker.Of(Type(Fixtures.Host!, "Krakow.Fixtures.Host.Startup"))
            .ShouldContain(d => d.TargetName == "Krakow.Modules.Violating.ViolatingModule", "the fixture does name the entry type, and the rule accepts it");
    }

    [Fact]
    public void Rule4_finds_a_plugin_assembly_named_only_in_a_catch_clause()
    {
        var result = ArchitectureRules.SourceDoesNotReferencePlugins(Fixtures);

        var hit = ShouldReport(result, "Krakow.Plugins.Violating.CampaignFailedException", "Krakow.Plugins.Violating");
        hit.Source.ShouldBe("Krakow.Fixtures.Host.PluginGuard");
        hit.Via.ShouldBe("method Run catch clause");
        result.Violations.Where(v => v.Via != "assembly reference").ShouldHaveSingleItem();
    }

    [Fact]
    public void Rule5_finds_a_forbidden_assembly_named_only_in_an_attribute_arguments_typeof()
    {
        var result = ArchitectureRules.PluginReferencesOnlyTheSdk(Fixtures, Fixtures.Plugin("Krakow.Plugins.Violating"));

        var hit = ShouldReport(result, "Krakow.BuildingBlocks.Modules.IModule", "Krakow.BuildingBlocks");
        hit.Source.ShouldBe("Krakow.Plugins.Violating.Campaign");
        hit.Via.ShouldBe("type attribute [CampaignDescriptorAttribute] argument typeof");
        result.Violations.Select(v => v.TargetAssembly).Distinct().ShouldBe(["Krakow.BuildingBlocks"], "nothing else of the plugin is off its allow-list");
    }

    [Fact]
    public void Rule8_finds_a_modules_contracts_named_only_as_a_generic_argument_of_a_property_type()
    {
        var result = ArchitectureRules.ToolSpeaksOnlyGrpc(Fixtures, Fixtures.Tool("Krakow.Tools.Violating"));

        var hit = ShouldReport(result, "Krakow.Modules.Violating.Contracts.IViolatingQueries", "Krakow.Modules.Violating.Contracts");
        hit.Source.ShouldBe("Krakow.Tools.Violating.ReportCommand");
        hit.Via.ShouldBe("field <Describe>k__BackingField");
        hit.Reason.ShouldBe("a part of the platform (module, contracts, host or plugin)");
        result.Violations.ShouldContain(v => v.Via == "assembly reference" && v.TargetAssembly == "Krakow.Modules.Violating.Contracts");
    }

    [Fact]
    public void Rule6_finds_the_modules_infrastructure_named_only_in_a_local_variable()
    {
        var result = ArchitectureRules.DomainStaysPure(Violating);

        var hit = ShouldReport(result, "Krakow.Modules.Violating.Infrastructure.LedgerStore", "Krakow.Modules.Violating");
        hit.Source.ShouldBe("Krakow.Modules.Violating.Domain.Ledger");
        hit.Via.ShouldBe("method Touch local #0");
        hit.Reason.ShouldBe("the module's Infrastructure layer");
    }

    [Fact]
    public void Rule6_finds_grpc_named_only_in_a_local_function()
    {
        var result = ArchitectureRules.DomainStaysPure(Violating);

        var hit = ShouldReport(result, "Grpc.Core.Metadata", "Krakow.Grpc.Core");
        hit.Source.ShouldBe("Krakow.Modules.Violating.Domain.Tally");
        hit.Via.ShouldStartWith("method <Count>g__Headers|");
        hit.Reason.ShouldBe("gRPC/protobuf");
        result.Violations.Select(v => v.Target).Distinct().ShouldBe(["Krakow.Modules.Violating.Infrastructure.LedgerStore", "Grpc.Core.Metadata"], ignoreOrder: true);
    }

    [Fact]
    public void Rule7_finds_every_public_type_but_the_entry_type_generated_code_included()
    {
        var result = ArchitectureRules.OnlyTheEntryTypeIsPublic(Violating);

        result.Violations.Select(v => v.Target).ShouldBe(
            ["Krakow.Modules.Violating.ViolatingModule/LeakedOptions", "Krakow.Modules.Violating.Api.LeakyEndpoint", "Krakow.Modules.Violating.Api.GeneratedLookalike"],
            ignoreOrder: true);
        Violating.EntryTypes.Select(type => type.FullName).ShouldBe(["Krakow.Modules.Violating.ViolatingModule"]);
        Should.Throw<ShouldAssertException>(result.ShouldHaveNoViolations).Message.ShouldContain("Krakow.Modules.Violating.Api.GeneratedLookalike");
    }

    [Fact]
    public void A_module_without_an_entry_type_fails_rule7()
    {
        var result = ArchitectureRules.OnlyTheEntryTypeIsPublic(Fixtures.Module("Neighbour"));

        result.Violations.ShouldContain(v => v.Via == "entry type" && v.Reason.Contains("found 0"));
    }

    [Fact]
    public void A_rule_over_an_empty_set_of_types_fails()
    {
        // Neighbour has no contracts project: rule 2 has nothing to check, and says so instead of passing.
        var error = Should.Throw<ShouldAssertException>(() => ArchitectureRules.ContractsBuildOnlyOnContracts(Fixtures, Fixtures.Module("Neighbour")));
        error.Message.ShouldContain("has no types");

        var noPlugins = Fixtures with { Plugins = [] };
        Should.Throw<ShouldAssertException>(() => ArchitectureRules.SourceDoesNotReferencePlugins(noPlugins))
            .Message.ShouldContain("no plugin assemblies found");

        var noHost = Fixtures with { Host = null };
        Should.Throw<ShouldAssertException>(() => ArchitectureRules.HostReachesModulesThroughContractsAndEntryTypes(noHost))
            .Message.ShouldContain("has no types");
    }

    [Fact]
    public void A_target_cannot_hold_types_of_another_assembly_than_the_one_it_names()
    {
        var neighbour = Fixtures.Module("Neighbour").Implementation;

        Should.Throw<InvalidOperationException>(() => new RuleTarget("neighbour's types", [neighbour], Violating.Implementation.Types, includeAssemblyLevel: false))
            .Message.ShouldContain("Krakow.Modules.Violating");
    }

    [Fact]
    public void A_failing_rule_lists_each_offending_type_with_its_dependency_path()
    {
        var result = ArchitectureRules.ModuleUsesOtherModulesOnlyThroughContracts(Fixtures, Violating);

        var message = Should.Throw<ShouldAssertException>(result.ShouldHaveNoViolations).Message;
        message.ShouldContain(ArchitectureRules.Rule1);
        message.ShouldContain("Krakow.Modules.Violating.Application.NeighbourLookup/<>c -> method <Factory>b__");
        message.ShouldContain(": Krakow.Modules.Neighbour.Domain.NeighbourMember [Krakow.Modules.Neighbour]");
    }

    private static Violation ShouldReport(RuleResult result, string target, string assembly)
    {
        var hits = result.Violations.Where(v => v.Target == target && v.TargetAssembly == assembly).ToList();
        hits.ShouldNotBeEmpty($"{result.Rule} should report {target} [{assembly}]; it reported:\n  {string.Join("\n  ", result.Violations)}");
        return hits[0];
    }

    private static Mono.Cecil.TypeDefinition Type(SubjectAssembly assembly, string fullName) =>
        assembly.Types.Single(type => type.FullName == fullName);
}
