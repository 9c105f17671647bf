using Krakow.Modules.Neighbour.Domain;

namespace Krakow.Modules.Violating.Application;

/// <summary>Rule 1: the other module's implementation is named only inside the lambda's body.</summary>
internal sealed class NeighbourLookup
{
    public Func<object> Factory() => () => NeighbourMember.Create();
}
