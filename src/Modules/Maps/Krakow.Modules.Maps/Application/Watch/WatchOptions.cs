using Microsoft.Extensions.Configuration;

namespace Krakow.Modules.Maps.Application.Watch;

/// <summary>
/// Tuning of campaign watches, from <c>Maps:Watch:*</c>; the defaults suit production and tests alike.
/// </summary>
/// <param name="PollInterval">How often the feed is polled when no save on this instance nudged it (changes written by other instances are seen this late).</param>
/// <param name="GapTimeout">How long a missing feed sequence (PostgreSQL: a transaction still in flight, or rolled back) holds watches back before it is taken as rolled back.</param>
/// <param name="PageSize">Feed changes (and snapshot listings) a watch reads per query: the most a watch holds in memory, whatever its client's speed.</param>
/// <param name="StallTimeout">A client that has not taken a message for this long is cut off (its stream is reset); it resumes with its last token.</param>
internal sealed record WatchOptions(TimeSpan PollInterval, TimeSpan GapTimeout, int PageSize, TimeSpan StallTimeout)
{
    public const string PollIntervalKey = "Maps:Watch:PollInterval";
    public const string GapTimeoutKey = "Maps:Watch:GapTimeout";
    public const string PageSizeKey = "Maps:Watch:PageSize";
    public const string StallTimeoutKey = "Maps:Watch:StallTimeout";

    /// <summary>Feed rows the follower reads per query.</summary>
    public int FeedBatchSize { get; init; } = 5000;

    public static WatchOptions FromConfiguration(IConfiguration configuration) => new(
        ConfiguredTime.Read(configuration, PollIntervalKey, TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(1)),
        ConfiguredTime.Read(configuration, GapTimeoutKey, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(10)),
        ConfiguredTime.ReadInt(configuration, PageSizeKey, 256, 1, 10_000),
        ConfiguredTime.Read(configuration, StallTimeoutKey, TimeSpan.FromMinutes(1), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(1)));
}
