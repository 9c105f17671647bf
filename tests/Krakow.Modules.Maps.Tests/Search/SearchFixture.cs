using Google.Rpc;
using Grpc.Core;
using Krakow.Maps.V1;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>One host for a test class. Tests stay apart by working on campaigns of their own (and, where they search without a campaign filter, on a place of their own).</summary>
public sealed class SearchFixture : IAsyncLifetime
{
    private static int campaigns;
    private static int places;

    internal SearchHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await SearchHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    /// <summary>A new open campaign with categories "shop", "restaurant" and "crafts".</summary>
    internal string NewCampaign(string prefix = "c") =>
        Host.Catalog.Add($"{prefix}{Interlocked.Increment(ref campaigns):D4}", ["shop", "restaurant", "crafts"]).Id;

    /// <summary>A place far from every other test's (spread over the globe's mid-latitudes), for searches without a campaign filter.</summary>
    internal static (double Latitude, double Longitude) NewPlace()
    {
        var n = Interlocked.Increment(ref places);
        return (-45 + ((n * 7) % 90), -170 + ((n * 37) % 340));
    }

    internal static GeoPoint Point(double latitude, double longitude) => new() { Latitude = latitude, Longitude = longitude };

    internal static ListingFilter Only(params string[] campaignIds)
    {
        var filter = new ListingFilter();
        filter.CampaignIds.Add(campaignIds);
        return filter;
    }

    /// <summary>
    /// The application part of a hit's listing id ("&lt;application id&gt;@&lt;campaign id&gt;"): tests name listings by
    /// their application, and a hit in the default (basic) view carries the id but not <c>application_id</c>.
    /// </summary>
    internal static string ApplicationIdOf(ListingHit hit) => hit.Listing.Id[..hit.Listing.Id.LastIndexOf('@')];

    internal static IReadOnlyList<(string Field, string Description)> ViolationsOf(RpcException error)
    {
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        badRequest.ShouldNotBeNull("INVALID_ARGUMENT carries google.rpc.BadRequest");
        return [.. badRequest.FieldViolations.Select(v => (v.Field, v.Description))];
    }
}
