namespace Krakow.Modules.Violating.Domain;

/// <summary>
/// Rule 6: the module's Infrastructure appears only as the type of a local variable. The local lives across a
/// try block, so even an optimizing (Release) build keeps it as a local rather than on the evaluation stack.
/// </summary>
internal sealed class Ledger
{
    public void Touch()
    {
        Infrastructure.LedgerStore? store = null;
        try
        {
            GC.KeepAlive(store);
        }
        finally
        {
            GC.KeepAlive(store);
        }
    }
}
