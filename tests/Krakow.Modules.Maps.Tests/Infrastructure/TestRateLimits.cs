using Krakow.BuildingBlocks.Security;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>
/// Test hosts take hundreds of applications from one loopback address within seconds: their rate limits are set as
/// high as configuration allows, except where a test (RateLimitTests) sets its own.
/// </summary>
public static class TestRateLimits
{
    public static IEnumerable<KeyValuePair<string, string?>> Unthrottled()
    {
        foreach (var caller in new[] { nameof(RateLimitOptions.Anonymous), nameof(RateLimitOptions.Authenticated) })
        {
            yield return new($"{RateLimitOptions.SectionName}:{caller}:{nameof(CallerRate.PerMinute)}", CallerRate.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return new($"{RateLimitOptions.SectionName}:{caller}:{nameof(CallerRate.Burst)}", CallerRate.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture));
            yield return new($"{RateLimitOptions.SectionName}:{caller}:{nameof(CallerRate.ConcurrentStreams)}", CallerRate.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
