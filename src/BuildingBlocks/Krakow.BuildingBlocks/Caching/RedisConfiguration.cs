using Krakow.BuildingBlocks.Configuration;
using StackExchange.Redis;

namespace Krakow.BuildingBlocks.Caching;

/// <summary>
/// Parses and validates <c>Redis:Configuration</c>. When it is wrong the <see cref="PlatformConfigurationException"/>
/// names the key in one line and never repeats the string itself (it may hold a password).
/// </summary>
internal static class RedisConfiguration
{
    private const string Key = RedisCacheOptions.SectionName + ":" + nameof(RedisCacheOptions.Configuration);

    public static ConfigurationOptions Parse(string? configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration))
        {
            throw Invalid("is empty");
        }

        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(configuration);
        }
        catch (ArgumentException e)
        {
            // ArgumentOutOfRangeException carries its explanation ("Keyword 'x' requires an integer value") in ParamName.
            var reason = e is ArgumentOutOfRangeException { ParamName: { Length: > 0 } detail } ? detail : e.Message;
            throw Invalid($"is not a valid StackExchange.Redis configuration string ({reason.TrimEnd('.')})");
        }

        if (parsed.EndPoints.Count == 0)
        {
            throw Invalid("names no endpoint (host:port)");
        }

        // The host must start, and serve from the database, while Redis is down: never fail the first connect.
        parsed.AbortOnConnectFail = false;
        return parsed;
    }

    private static PlatformConfigurationException Invalid(string problem) =>
        new(Key, problem.ReplaceLineEndings(" ").Trim() + "; expected e.g. \"localhost:6379\" or \"redis1:6379,redis2:6379,password=…\"");
}
