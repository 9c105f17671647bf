using System.Net;
using Google.Rpc;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Tests.Images;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Watch;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.Applications;

/// <summary>
/// Applying, editing, uploading and re-confirming are limited per caller (RateLimits): an address without an API key
/// gets its burst, then RESOURCE_EXHAUSTED saying when to come back; reads are never limited.
/// </summary>
public sealed class RateLimitTests
{
    private const string TooMany = "Too many calls: one address without an API key may make 1 calls a minute that write or check an edit token (at most 2 at once); retry in ";

    private static readonly Dictionary<string, string?> TwoAnonymousCalls = new()
    {
        ["RateLimits:Anonymous:PerMinute"] = "1",
        ["RateLimits:Anonymous:Burst"] = "2",
        ["RateLimits:Authenticated:PerMinute"] = "1",
        ["RateLimits:Authenticated:Burst"] = "1",
    };

    [Fact]
    public async Task An_address_gets_its_burst_then_resource_exhausted_with_when_to_retry_and_nothing_is_written()
    {
        await using var host = await MapsHost.StartAsync(new MapsHostOptions { Settings = TwoAnonymousCalls });
        var first = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        await host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = first.Application.Id, EditToken = first.EditToken });

        var call = host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"));
        var refused = await Should.ThrowAsync<RpcException>(() => call.ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        refused.Status.Detail.ShouldStartWith(TooMany);
        var wait = refused.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay.ToTimeSpan();
        wait.ShouldNotBeNull();
        wait.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        refused.Status.Detail.ShouldEndWith($"retry in {wait.Value.TotalSeconds:F0} s.");
        refused.Trailers.GetValue("grpc-retry-pushback-ms").ShouldBe(((long)wait.Value.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        (await host.ReadAsync(db => Task.FromResult(db.Applications.Count()))).ShouldBe(1);

        // Every method of the applicant's desk draws from the same allowance, on either port; reads do not.
        var check = await Should.ThrowAsync<RpcException>(() =>
            host.Applications.GetApplicationAsync(new ApplicationRef { ApplicationId = first.Application.Id, EditToken = first.EditToken }).ResponseAsync);
        check.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        var upload = await Should.ThrowAsync<RpcException>(() =>
            ImageUploads.UploadAsync(host, first.Application.Id, first.EditToken, TestImages.Png(64, 64)));
        upload.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        var browser = await Should.ThrowAsync<RpcException>(() =>
            new Krakow.Maps.V1.Applications.ApplicationsClient(host.WebChannel).SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail")).ResponseAsync);
        browser.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        browser.Status.Detail.ShouldStartWith(TooMany);
        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest())).Campaigns.ShouldNotBeEmpty();

        // Anything that is not a gRPC call is refused in HTTP's own terms.
        using var plain = new HttpRequestMessage(HttpMethod.Post, "/krakow.maps.v1.Applications/SubmitApplication") { Content = new StringContent("{}") };
        using var answer = await host.Web.SendAsync(plain);
        answer.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        answer.Headers.RetryAfter?.Delta.ShouldNotBeNull();
        answer.Headers.RetryAfter!.Delta!.Value.ShouldBeInRange(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        (await answer.Content.ReadAsStringAsync()).ShouldStartWith(TooMany);
    }

    [Fact]
    public async Task A_caller_holds_at_most_its_streams_at_once_and_may_open_another_when_one_ends()
    {
        await using var host = await MapsHost.StartAsync(new MapsHostOptions
        {
            Settings = new Dictionary<string, string?>
            {
                ["RateLimits:Anonymous:ConcurrentStreams"] = "2",
                ["RateLimits:Authenticated:ConcurrentStreams"] = "1",
            },
        });
        var first = WatchStream.Open(host.Channel, TestCampaigns.ImActive);
        await using var second = WatchStream.Open(host.Channel, TestCampaigns.ImActive);
        await first.UntilSyncedAsync();
        await second.UntilSyncedAsync();

        await using var third = WatchStream.Open(host.Channel, TestCampaigns.ImActive);
        await third.Completion;
        var export = await Should.ThrowAsync<RpcException>(async () =>
        {
            using var call = new Listings.ListingsClient(host.Channel).ExportCampaign(new ExportCampaignRequest { CampaignId = TestCampaigns.ImActive });
            await call.ResponseStream.MoveNext(CancellationToken.None);
        });
        await using var partners = WatchStream.Open(host.Channel, TestCampaigns.ImActive, callOptions: TestApiKeys.As(TestApiKeys.Partner));
        await partners.UntilSyncedAsync();

        foreach (var refused in new[] { third.Error, export })
        {
            refused.ShouldNotBeNull().StatusCode.ShouldBe(StatusCode.ResourceExhausted);
            refused.Status.Detail.ShouldBe("Too many open streams: one address without an API key may hold 2 at once (watches, exports, image downloads, health watches); end one first.");
        }

        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest())).Campaigns.ShouldNotBeEmpty("unary reads are not counted");

        // The downloads over plain HTTP count too, refused in HTTP's terms.
        foreach (var path in new[] { $"/maps/campaigns/{TestCampaigns.ImActive}/listings.geojson", "/maps/images/" + new string('a', 64) })
        {
            using var download = await host.Web.GetAsync(path);
            download.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests, path);
            (await download.Content.ReadAsStringAsync()).ShouldStartWith("Too many open streams: one address without an API key may hold 2 at once");
        }

        // One ends: another may open (once the server has seen the first go).
        await first.DisposeAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var retry = WatchStream.Open(host.Channel, TestCampaigns.ImActive);
            try
            {
                await retry.UntilSyncedAsync();
                break;
            }
            catch (InvalidOperationException) when (retry.Error?.StatusCode == StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }

    [Fact]
    public async Task A_caller_with_an_api_key_draws_from_its_own_allowance()
    {
        await using var host = await MapsHost.StartAsync(new MapsHostOptions { Settings = TwoAnonymousCalls });
        await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));
        await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "retail"));

        var partner = TestApiKeys.As(TestApiKeys.Partner);
        await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"), partner);
        var refused = await Should.ThrowAsync<RpcException>(() => host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"), partner).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        refused.Status.Detail.ShouldStartWith("Too many calls: this API key may make 1 calls a minute that write or check an edit token (at most 1 at once); retry in ");
        var moderator = await host.Applications.SubmitApplicationAsync(Submission(TestCampaigns.ImActive, "crafts"), TestApiKeys.As(TestApiKeys.Moderator));
        moderator.EditToken.ShouldNotBeEmpty();
        (await host.ReadAsync(db => Task.FromResult(db.Applications.Count()))).ShouldBe(4);
    }

    [Fact]
    public async Task A_forwarded_address_counts_only_when_the_connection_comes_from_a_trusted_proxy()
    {
        await using (var direct = await MapsHost.StartAsync(new MapsHostOptions { Settings = TwoAnonymousCalls }))
        {
            await SubmitFromAsync(direct, "203.0.113.7");
            await SubmitFromAsync(direct, "203.0.113.8");

            // Without a trusted proxy the header is the caller's word: it is ignored, the connection's address counts.
            var refused = await Should.ThrowAsync<RpcException>(() => SubmitFromAsync(direct, "203.0.113.9"));
            refused.StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        }

        var settings = new Dictionary<string, string?>(TwoAnonymousCalls) { ["Platform:TrustedProxies:0"] = "127.0.0.1" };
        await using var proxied = await MapsHost.StartAsync(new MapsHostOptions { Settings = settings });
        foreach (var address in new[] { "203.0.113.7", "203.0.113.7", "203.0.113.8", "2001:db8:1:2::1", "2001:db8:1:2::ffff", "2001:db8:1:3::1" })
        {
            await SubmitFromAsync(proxied, address);
        }

        (await Should.ThrowAsync<RpcException>(() => SubmitFromAsync(proxied, "203.0.113.7"))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);

        // An IPv6 /64 is one subscriber's block: its addresses share one allowance.
        (await Should.ThrowAsync<RpcException>(() => SubmitFromAsync(proxied, "2001:db8:1:2::2"))).StatusCode.ShouldBe(StatusCode.ResourceExhausted);
        await SubmitFromAsync(proxied, "203.0.113.8");
    }

    private static async Task SubmitFromAsync(MapsHost host, string forwardedFor) =>
        await host.Applications.SubmitApplicationAsync(
            Submission(TestCampaigns.ImActive, "retail"),
            new CallOptions(headers: new Metadata { { "x-forwarded-for", forwardedFor } }));
}
