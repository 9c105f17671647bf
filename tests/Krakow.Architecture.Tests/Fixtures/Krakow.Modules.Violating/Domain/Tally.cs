namespace Krakow.Modules.Violating.Domain;

/// <summary>Rule 6: gRPC appears only inside a local function.</summary>
internal sealed class Tally
{
    public int Count(int extra)
    {
        return Headers(extra);

        static int Headers(int extra) => new Grpc.Core.Metadata().Count + extra;
    }
}
