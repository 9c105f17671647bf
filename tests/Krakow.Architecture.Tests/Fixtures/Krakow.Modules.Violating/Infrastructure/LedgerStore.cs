namespace Krakow.Modules.Violating.Infrastructure;

internal sealed class LedgerStore
{
}
