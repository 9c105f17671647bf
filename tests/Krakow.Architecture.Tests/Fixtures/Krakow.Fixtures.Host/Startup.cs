using Krakow.Modules.Violating;
using Krakow.Modules.Violating.Api;

namespace Krakow.Fixtures.Host;

internal static class Startup
{
    /// <summary>Allowed: the host names the module's entry type.</summary>
    public static object CreateModule() => new ViolatingModule();

    /// <summary>Rule 3: a non-entry module type, named only inside the async state machine.</summary>
    public static async Task<int> WarmUpAsync()
    {
        await Task.Yield();
        return LeakyEndpoint.Ping();
    }
}
