using Krakow.BuildingBlocks.Configuration;
using Microsoft.Extensions.Configuration;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// How often one caller may call the methods under <see cref="RateLimitPolicies.Writes"/> (section
/// <c>RateLimits</c>): anonymous callers counted per address (an IPv6 /64 counts as one address), callers with an
/// API key per key, so a partner municipality's portal is not throttled by the anonymous limit of its server's address.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    public CallerRate Anonymous { get; set; } = new() { PerMinute = 30, Burst = 20, ConcurrentStreams = 20 };

    public CallerRate Authenticated { get; set; } = new() { PerMinute = 600, Burst = 100, ConcurrentStreams = 200 };

    /// <summary>Binds and checks the section; throws <see cref="PlatformConfigurationException"/> naming the first bad key.</summary>
    public static RateLimitOptions FromConfiguration(IConfiguration configuration)
    {
        RateLimitOptions options;
        try
        {
            options = configuration.GetSection(SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        }
        catch (InvalidOperationException ex)
        {
            throw new PlatformConfigurationException(SectionName, "holds a value of the wrong type: " + ex.Message);
        }

        options.Anonymous.Validate($"{SectionName}:{nameof(Anonymous)}");
        options.Authenticated.Validate($"{SectionName}:{nameof(Authenticated)}");
        return options;
    }
}

/// <summary>
/// What one caller may do: a token bucket of write calls (<see cref="Burst"/> at once, refilled at
/// <see cref="PerMinute"/>), and <see cref="ConcurrentStreams"/> calls that stay open.
/// </summary>
public sealed class CallerRate
{
    public const int Maximum = 1_000_000;

    /// <summary>Calls a minute, sustained.</summary>
    public int PerMinute { get; set; }

    /// <summary>Calls that may come at once, after a quiet spell.</summary>
    public int Burst { get; set; }

    /// <summary>Streaming calls (<see cref="RateLimitPolicies.Streams"/>) open at once, on one instance.</summary>
    public int ConcurrentStreams { get; set; }

    /// <summary>
    /// The refill as the token bucket takes it: one call every 60/<see cref="PerMinute"/> seconds when that is a
    /// second or more, otherwise <see cref="PerMinute"/>/60 calls (rounded) every second.
    /// </summary>
    public (TimeSpan Period, int CallsPerPeriod) Refill =>
        PerMinute <= 60
            ? (TimeSpan.FromMinutes(1) / PerMinute, 1)
            : (TimeSpan.FromSeconds(1), (int)Math.Round(PerMinute / 60.0));

    internal void Validate(string key)
    {
        if (PerMinute is < 1 or > Maximum)
        {
            throw new PlatformConfigurationException($"{key}:{nameof(PerMinute)}", $"must be between 1 and {Maximum}, not {PerMinute}");
        }

        if (Burst is < 1 or > Maximum)
        {
            throw new PlatformConfigurationException($"{key}:{nameof(Burst)}", $"must be between 1 and {Maximum}, not {Burst}");
        }

        if (ConcurrentStreams is < 1 or > Maximum)
        {
            throw new PlatformConfigurationException($"{key}:{nameof(ConcurrentStreams)}", $"must be between 1 and {Maximum}, not {ConcurrentStreams}");
        }
    }
}
