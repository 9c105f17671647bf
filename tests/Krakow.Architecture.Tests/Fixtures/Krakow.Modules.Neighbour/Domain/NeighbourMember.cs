namespace Krakow.Modules.Neighbour.Domain;

/// <summary>Public only so that the violating fixture module can compile against it.</summary>
public sealed class NeighbourMember
{
    public static NeighbourMember Create() => new();
}
