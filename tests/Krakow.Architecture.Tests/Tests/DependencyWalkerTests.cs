using Krakow.Architecture.Tests.Analysis;
using Krakow.Architecture.Tests.Discovery;
using Shouldly;

namespace Krakow.Architecture.Tests.Tests;

/// <summary>The walker's plain signature paths, on the fixtures (the hidden paths are proven rule by rule).</summary>
public sealed class DependencyWalkerTests
{
    [Fact]
    public void Interfaces_method_signatures_and_generic_arguments_are_dependencies()
    {
        var dependencies = Walk("Krakow.Modules.Violating", "Krakow.Modules.Violating.ViolatingModule");

        dependencies.ShouldContain("interface : Krakow.BuildingBlocks.Modules.IModule [Krakow.BuildingBlocks]");
        dependencies.ShouldContain("method ConfigureServices parameter services : Microsoft.Extensions.DependencyInjection.IServiceCollection [Microsoft.Extensions.DependencyInjection.Abstractions]");
        dependencies.ShouldContain("method MapEndpoints parameter endpoints : Microsoft.AspNetCore.Routing.IEndpointRouteBuilder [Microsoft.AspNetCore.Routing]");
        dependencies.ShouldContain("property Name : System.String [System.Runtime]");
    }

    [Fact]
    public void Generic_instances_are_taken_apart_into_their_element_type_and_arguments()
    {
        var dependencies = Walk("Krakow.Modules.Violating.Contracts", "Krakow.Modules.Violating.Contracts.IViolatingQueries");

        dependencies.ShouldContain("method CountAsync return : System.Threading.Tasks.Task`1 [System.Runtime]");
        dependencies.ShouldContain("method CountAsync return : System.Int32 [System.Runtime]");
        dependencies.ShouldContain("method CountAsync parameter cancellationToken : System.Threading.CancellationToken [System.Runtime]");
        dependencies.ShouldNotContain(d => d.Contains("TStore ["), "a generic parameter is not a dependency");
    }

    [Fact]
    public void Base_types_fields_and_constructor_arguments_are_dependencies()
    {
        var dependencies = Walk("Krakow.Plugins.Violating", "Krakow.Plugins.Violating.CampaignDescriptorAttribute");

        dependencies.ShouldContain("base type : System.Attribute [System.Runtime]");
        dependencies.ShouldContain(d => d.StartsWith("field <Shape>k__BackingField : System.Type [System.Runtime]"));
        dependencies.ShouldContain("method .ctor parameter shape : System.Type [System.Runtime]");
    }

    private static List<string> Walk(string assembly, string type)
    {
        var fixtures = Platforms.Fixtures;
        var subject = fixtures.Source.Concat(fixtures.Plugins).Single(candidate => candidate.Name == assembly);
        var definition = subject.Types.Single(candidate => candidate.FullName == type);
        return DependencyWalker.Of(definition)
            .Select(dependency => $"{dependency.Via} : {dependency.TargetName} [{dependency.TargetAssembly}]")
            .ToList();
    }
}
