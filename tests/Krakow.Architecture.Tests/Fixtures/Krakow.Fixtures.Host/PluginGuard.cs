using Krakow.Plugins.Violating;

namespace Krakow.Fixtures.Host;

/// <summary>Rule 4: the plugin assembly is named only by the catch clause.</summary>
internal static class PluginGuard
{
    public static bool Run(Action campaign)
    {
        try
        {
            campaign();
            return true;
        }
        catch (CampaignFailedException)
        {
            return false;
        }
    }
}
