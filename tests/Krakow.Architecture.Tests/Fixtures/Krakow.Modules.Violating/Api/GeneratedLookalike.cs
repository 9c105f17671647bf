using System.CodeDom.Compiler;

namespace Krakow.Modules.Violating.Api;

/// <summary>Rule 7: generated code (as protoc marks it) is not exempt from being internal.</summary>
[GeneratedCode("protoc", null)]
public sealed class GeneratedLookalike
{
}
