using Shouldly;

namespace Krakow.Architecture.Tests.Rules;

/// <summary>One offending dependency (or type), with the path that leads to it and why the rule forbids it.</summary>
internal sealed record Violation(string Source, string Via, string Target, string TargetAssembly, string Reason)
{
    public override string ToString() => $"{Source} -> {Via} : {Target} [{TargetAssembly}] ({Reason})";
}

internal sealed record RuleResult(string Rule, RuleTarget Target, IReadOnlyList<Violation> Violations)
{
    public void ShouldHaveNoViolations() =>
        Violations.ShouldBeEmpty(
            $"{Rule}\nTarget: {Target.Description}\n{Violations.Count} violation(s):\n  " + string.Join("\n  ", Violations));
}
