using Krakow.BuildingBlocks.Configuration;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>The module's settings are checked at start-up: a bad one stops the host with one line naming it.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("Maps:TokenKey", "not base64!", "Configuration error: Maps:TokenKey must be base64 (of at least 32 random bytes).")]
    [InlineData("Maps:TokenKey", "c2hvcnQ=", "Configuration error: Maps:TokenKey must hold at least 32 bytes, not 5.")]
    [InlineData("Maps:Images:MaxBytes", "0", "Configuration error: Maps:Images:MaxBytes must be a whole number from 1 to 67108864, not '0'.")]
    [InlineData("Maps:Images:MaxPixels", "lots", "Configuration error: Maps:Images:MaxPixels must be a whole number from 1 to 65535, not 'lots'.")]
    [InlineData("RateLimits:Anonymous:PerMinute", "0", "Configuration error: RateLimits:Anonymous:PerMinute must be between 1 and 1000000, not 0.")]
    [InlineData("RateLimits:Authenticated:Burst", "-5", "Configuration error: RateLimits:Authenticated:Burst must be between 1 and 1000000, not -5.")]
    [InlineData("RateLimits:Anonymous:ConcurrentStreams", "0", "Configuration error: RateLimits:Anonymous:ConcurrentStreams must be between 1 and 1000000, not 0.")]
    [InlineData("Maps:Images:StallSeconds", "0", "Configuration error: Maps:Images:StallSeconds must be a whole number from 1 to 600, not '0'.")]
    [InlineData("Platform:TrustedProxies:0", "proxy.internal", "Configuration error: Platform:TrustedProxies:0 must be an IP address, not 'proxy.internal'.")]
    public async Task A_bad_setting_stops_the_host_naming_the_key(string key, string value, string message)
    {
        var error = await Should.ThrowAsync<PlatformConfigurationException>(() =>
            MapsHost.StartAsync(new MapsHostOptions { Settings = new Dictionary<string, string?> { [key] = value } }));

        error.Key.ShouldBe(key);
        error.Message.ShouldBe(message);
    }

    [Fact]
    public async Task A_configured_token_key_is_used_instead_of_a_generated_one()
    {
        var key = new byte[48];
        Random.Shared.NextBytes(key);
        await using var host = await MapsHost.StartAsync(new MapsHostOptions
        {
            Settings = new Dictionary<string, string?> { ["Maps:TokenKey"] = Convert.ToBase64String(key) },
        });

        var submitted = await host.Applications.SubmitApplicationAsync(Survey.Submission(TestCampaigns.ImActive, "retail"));

        (await host.ReadAsync(db => Task.FromResult(db.Secrets.Count()))).ShouldBe(0);
        submitted.EditToken.Length.ShouldBe(43);
    }

    [Fact]
    public async Task Without_a_configured_key_the_generated_one_is_in_the_database_before_any_request()
    {
        await using var host = await MapsHost.StartAsync();

        // Loaded at start-up, so no first search or submission waits on (or fails with) the database for it.
        (await host.ReadAsync(db => Task.FromResult(db.Secrets.Select(secret => secret.Name).ToList()))).ShouldBe(["edit-token-key"]);
    }
}
