using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Plugins;
using Microsoft.Extensions.DependencyInjection;
using static Krakow.Modules.Maps.Tests.Infrastructure.Survey;

namespace Krakow.Modules.Maps.Tests.RenovationPact;

/// <summary>
/// The Renovation Pact campaign as the Seasons, Watch and RenovationPact tests use it: a host on the real plugins of
/// a temporary plugins directory (which decides what loads: the pact only when a test copies it in), its places,
/// submissions, and the running host's plugin folder being added and removed.
/// </summary>
internal static class Pact
{
    public const string Id = "renovation-pact";

    /// <summary>The manifest's window: 1 March 2026 to 31 October 2027 (Warsaw time).</summary>
    public static readonly DateTimeOffset StartsAt = new(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(1));

    public static readonly DateTimeOffset EndsAt = new(2027, 10, 31, 23, 59, 59, TimeSpan.FromHours(1));

    /// <summary>On ul. Straszewskiego, by the Philharmonic.</summary>
    public static readonly (double Latitude, double Longitude) Straszewskiego = (50.05770, 19.93320);

    /// <summary>On ul. Piłsudskiego, between ul. Wygrana and al. Krasińskiego.</summary>
    public static readonly (double Latitude, double Longitude) Pilsudskiego = (50.05915, 19.92740);

    public static readonly CallOptions AsModerator = TestApiKeys.As(TestApiKeys.Moderator);

    public static readonly CallOptions AsAdministrator = TestApiKeys.As(TestApiKeys.Administrator);

    /// <summary>
    /// A host whose plugins directory is <paramref name="plugins"/>, with the pact copied in first when
    /// <paramref name="withPact"/> (and I'm ACTIVE always, so the host has another campaign besides).
    /// </summary>
    public static Task<MapsHost> StartAsync(
        PluginDirectory plugins, bool withPact, IReadOnlyDictionary<string, string?>? settings = null, DatabaseKind database = DatabaseKind.Sqlite)
    {
        if (!Directory.Exists(plugins.PathOf("im-active")))
        {
            plugins.CopyShipped("im-active");
        }

        if (withPact && !Directory.Exists(plugins.PathOf(Id)))
        {
            plugins.CopyShipped(Id);
        }

        var all = new Dictionary<string, string?>
        {
            ["Maps:PluginsDirectory"] = plugins.Root,
            ["Maps:PluginSettleTime"] = "00:00:00.200",
            ["Maps:PluginRescanInterval"] = "00:00:02",
        };
        foreach (var setting in settings ?? new Dictionary<string, string?>())
        {
            all[setting.Key] = setting.Value;
        }

        return MapsHost.StartAsync(new MapsHostOptions { Database = database, Catalogue = null, Settings = all });
    }

    /// <summary>Drops the shipped pact into the running host's plugins directory (copied under a hidden name, then renamed, as an operator should) and waits until the host serves it.</summary>
    public static async Task DropAsync(MapsHost host, PluginDirectory plugins)
    {
        var hidden = plugins.CopyShipped(Id, "." + Id + ".tmp");
        Directory.Move(hidden, plugins.PathOf(Id));
        await Eventually(async () => await FindAsync(host) is not null, "the dropped plugin to be served");
    }

    /// <summary>Deletes the pact's folder from the running host's plugins directory and waits until the host no longer serves it.</summary>
    public static async Task RemoveAsync(MapsHost host, PluginDirectory plugins)
    {
        Directory.Delete(plugins.PathOf(Id), recursive: true);
        await Eventually(async () => await FindAsync(host) is null, "the removed plugin to be gone");
    }

    public static async Task<Campaign?> FindAsync(MapsHost host) =>
        (await host.Campaigns.ListCampaignsAsync(new ListCampaignsRequest { IncludeArchive = true })).Campaigns.FirstOrDefault(c => c.Id == Id);

    /// <summary>A complete submission from a business at <paramref name="place"/>.</summary>
    public static SubmitApplicationRequest Submission((double Latitude, double Longitude) place, string name, string category = "retail")
    {
        var request = new SubmitApplicationRequest { CampaignId = Id, IdempotencyKey = NewKey() };
        request.Answers.Add(Answers(place, name, category));
        return request;
    }

    public static Dictionary<string, AnswerValue> Answers((double Latitude, double Longitude) place, string name, string category = "retail")
    {
        var answers = StandardAnswers(category, name);
        answers["location"] = Point(place.Latitude, place.Longitude);
        answers["address"] = Place("ul. Straszewskiego", "25", "31-113", "Kraków");
        answers["affected_street"] = Text("straszewskiego");
        answers["loss_of_revenue_percent"] = Number(35);
        answers["support_needed"] = Choices("promotion", "wayfinding");
        answers["open_during_works"] = Flag(true);
        return answers;
    }

    /// <summary>Applies and has a moderator approve; the application and its edit token.</summary>
    public static async Task<(string Id, string Token)> ApprovedAsync(MapsHost host, (double Latitude, double Longitude) place, string name)
    {
        var submitted = await host.Applications.SubmitApplicationAsync(Submission(place, name));
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = submitted.Application.Id }, AsModerator);
        return (submitted.Application.Id, submitted.EditToken);
    }

    /// <summary>
    /// Listings of the pact's live map within 300 m of <paramref name="place"/>, once the index has every change so far,
    /// in the basic view (id, name, position and the like: callers check which listings are there, not their details).
    /// </summary>
    public static async Task<IReadOnlyList<Listing>> LiveNearAsync(MapsHost host, (double Latitude, double Longitude) place)
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await host.Services.GetRequiredService<IListingIndex>().CatchUpAsync(timeout.Token);
        }

        var request = new SearchNearbyRequest
        {
            Center = new GeoPoint { Latitude = place.Latitude, Longitude = place.Longitude },
            RadiusMeters = 300,
            Filter = new ListingFilter { CampaignIds = { Id } },
            PageSize = 100,
            View = ListingView.Basic,
        };
        return (await new Listings.ListingsClient(host.Channel).SearchNearbyAsync(request)).Hits.Select(h => h.Listing).ToList();
    }

    public static async Task Eventually(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up waiting for {what}.");
            }

            await Task.Delay(50);
        }
    }
}
