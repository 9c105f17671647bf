using Krakow.Modules.Maps.Application.Watch;
using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary><c>Maps:Seasons:RefreshInterval</c>: how often season rows are re-read, to see seasons other instances opened (default 10 s).</summary>
internal sealed record SeasonOptions(TimeSpan RefreshInterval)
{
    public const string RefreshIntervalKey = "Maps:Seasons:RefreshInterval";

    public static SeasonOptions FromConfiguration(IConfiguration configuration) =>
        new(ConfiguredTime.Read(configuration, RefreshIntervalKey, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)));
}
