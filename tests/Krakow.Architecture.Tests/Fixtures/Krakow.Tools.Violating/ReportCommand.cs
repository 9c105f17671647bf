namespace Krakow.Tools.Violating;

/// <summary>The module's contracts appear nowhere but in the generic argument of <see cref="Describe"/>'s type.</summary>
public sealed class ReportCommand
{
    public Func<Krakow.Modules.Violating.Contracts.IViolatingQueries, string>? Describe { get; set; }
}
