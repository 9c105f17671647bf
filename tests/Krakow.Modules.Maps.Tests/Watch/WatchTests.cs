using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Plugins;
using Krakow.Modules.Maps.Tests.RenovationPact;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shouldly;
using SeasonsClient = Krakow.Maps.V1.Seasons.SeasonsClient;

namespace Krakow.Modules.Maps.Tests.Watch;

/// <summary>
/// A partner portal watching the Renovation Pact: the snapshot, then every approval, edit and withdrawal as it
/// happens; resuming after a disconnect with exactly the missed changes; the stream's ends (plugin removed, host
/// shutting down); a client that stops reading holding up nobody.
/// </summary>
public abstract class WatchTests(DatabaseKind database) : IAsyncLifetime
{
    private readonly PluginDirectory plugins = new();
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await Pact.StartAsync(plugins, withPact: true, new Dictionary<string, string?>
    {
        ["Maps:Watch:StallTimeout"] = "00:00:02",
        ["Maps:Watch:PageSize"] = "16",
    }, database);

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task An_unknown_campaign_is_not_found_and_a_token_that_is_not_this_campaigns_is_invalid()
    {
        await using (var unknown = WatchStream.Open(host.Channel, "no-such-campaign"))
        {
            await unknown.EndedAsync();
            unknown.Error!.StatusCode.ShouldBe(StatusCode.NotFound);
        }

        string token;
        await using (var watch = WatchStream.Open(host.Channel, Pact.Id))
        {
            token = (await watch.UntilSyncedAsync()).Last().ResumeToken;
            token.ShouldNotBeEmpty();
        }

        var tampered = token[..10] + (token[10] == 'A' ? 'B' : 'A') + token[11..];
        foreach (var (campaign, bad) in new[] { (Pact.Id, tampered), (Pact.Id, "not-a-token"), (Pact.Id, new string('A', 500)), ("im-active", token) })
        {
            await using var refused = WatchStream.Open(host.Channel, campaign, bad);
            await refused.EndedAsync();
            refused.Error!.StatusCode.ShouldBe(StatusCode.InvalidArgument, $"{campaign} with {bad}");
            RpcErrors.FieldsOf(refused.Error).ShouldBe(["resume_token"]);
        }
    }

    [Fact]
    public async Task It_starts_with_a_snapshot_then_streams_approvals_edits_and_withdrawals()
    {
        var first = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Antykwariat");
        var second = await Pact.ApprovedAsync(host, Pact.Pilsudskiego, "Piekarnia");
        var pending = await host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Straszewskiego, "Zegarmistrz"));

        await using var watch = WatchStream.Open(host.Channel, Pact.Id);
        var snapshot = await watch.UntilSyncedAsync();
        snapshot.Select(e => (e.Kind, e.ListingId)).ShouldBe(
            new[] { first.Id, second.Id }.Order(StringComparer.Ordinal).Select(id => (ListingEventKind.Added, $"{id}@{Pact.Id}")).Append((ListingEventKind.Synced, "")));
        snapshot.ShouldAllBe(e => e.Season == 1);
        snapshot[..^1].ShouldAllBe(e => e.ResumeToken == "" && e.Listing.CampaignId == Pact.Id);
        snapshot.Single(e => e.ListingId.StartsWith(first.Id)).Listing.Name.ShouldBe("Antykwariat");
        snapshot[^1].ResumeToken.ShouldNotBeEmpty();

        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = pending.Application.Id }, Pact.AsModerator);
        var added = await watch.NextAsync();
        (added.Kind, added.ListingId, added.Listing.Name).ShouldBe((ListingEventKind.Added, $"{pending.Application.Id}@{Pact.Id}", "Zegarmistrz"));

        await RenameAsync(first, "Antykwariat Filharmonia");
        var updated = await watch.NextAsync();
        (updated.Kind, updated.ListingId, updated.Listing.Name).ShouldBe((ListingEventKind.Updated, $"{first.Id}@{Pact.Id}", "Antykwariat Filharmonia"));

        await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = second.Id, EditToken = second.Token });
        var removed = await watch.NextAsync();
        (removed.Kind, removed.ListingId, removed.Listing).ShouldBe((ListingEventKind.Removed, $"{second.Id}@{Pact.Id}", null));

        new[] { added, updated, removed }.ShouldAllBe(e => e.ResumeToken.Length > 0 && e.Season == 1);
        new[] { added, updated, removed }.Select(e => e.ResumeToken).Distinct().Count().ShouldBe(3);
        (await watch.AnyWithinAsync(TimeSpan.FromMilliseconds(300))).ShouldBeFalse();

        // A browser portal watches the same over gRPC-Web.
        await using var browser = WatchStream.Open(host.WebChannel, Pact.Id);
        (await browser.UntilSyncedAsync()).Select(e => (e.Kind, e.Listing?.Name)).Order().ShouldBe(
            new[] { (ListingEventKind.Added, "Antykwariat Filharmonia"), (ListingEventKind.Added, "Zegarmistrz"), (ListingEventKind.Synced, (string?)null) }.Order());
    }

    [Fact]
    public async Task Resuming_with_the_last_token_delivers_exactly_the_missed_changes()
    {
        var kept = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Antykwariat");
        var leaving = await Pact.ApprovedAsync(host, Pact.Pilsudskiego, "Piekarnia");
        var late = await host.Applications.SubmitApplicationAsync(Pact.Submission(Pact.Pilsudskiego, "Kwiaciarnia"));

        string lastToken;
        await using (var watch = WatchStream.Open(host.Channel, Pact.Id))
        {
            await watch.UntilSyncedAsync();
            await RenameAsync(kept, "Antykwariat I");
            var seen = await watch.NextAsync();
            seen.Kind.ShouldBe(ListingEventKind.Updated);
            lastToken = seen.ResumeToken;
        }

        // While the partner is away: an approval, an edit, a withdrawal (and a change of another campaign).
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = late.Application.Id }, Pact.AsModerator);
        await RenameAsync(kept, "Antykwariat II");
        await host.Applications.WithdrawApplicationAsync(new ApplicationRef { ApplicationId = leaving.Id, EditToken = leaving.Token });
        var other = await host.Applications.SubmitApplicationAsync(Survey.Submission("im-active", "retail", "Gdzie indziej"));
        await host.Moderation.ApproveAsync(new ApproveRequest { ApplicationId = other.Application.Id }, Pact.AsModerator);

        await using var resumed = WatchStream.Open(host.Channel, Pact.Id, lastToken);
        var missed = await resumed.UntilSyncedAsync();
        missed.Select(e => (e.Kind, e.ListingId)).ShouldBe(
        [
            (ListingEventKind.Added, $"{late.Application.Id}@{Pact.Id}"),
            (ListingEventKind.Updated, $"{kept.Id}@{Pact.Id}"),
            (ListingEventKind.Removed, $"{leaving.Id}@{Pact.Id}"),
            (ListingEventKind.Synced, ""),
        ]);
        missed[1].Listing.Name.ShouldBe("Antykwariat II");
        (await resumed.AnyWithinAsync(TimeSpan.FromMilliseconds(300))).ShouldBeFalse();

        // And it goes on live.
        await RenameAsync(kept, "Antykwariat III");
        (await resumed.NextAsync()).Listing.Name.ShouldBe("Antykwariat III");

        // The token of the last event resumes with nothing to repeat.
        await using var again = WatchStream.Open(host.Channel, Pact.Id, missed[^1].ResumeToken);
        (await again.UntilSyncedAsync()).Select(e => e.Kind).ShouldBe([ListingEventKind.Updated, ListingEventKind.Synced]);
    }

    [Fact]
    public async Task A_new_season_resets_the_stream_and_so_does_a_token_of_the_last_season()
    {
        await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Antykwariat");
        await using var watch = WatchStream.Open(host.Channel, Pact.Id);
        var seasonOneToken = (await watch.UntilSyncedAsync()).Last().ResumeToken;

        var now = host.Clock.GetUtcNow();
        await new SeasonsClient(host.Channel).OpenNextSeasonAsync(
            new OpenNextSeasonRequest { CampaignId = Pact.Id, Window = new CampaignWindow { StartsAt = Timestamp.FromDateTimeOffset(now) }, CloseCurrentSeason = true },
            Pact.AsAdministrator);

        var reset = await watch.UntilSyncedAsync();
        reset.Select(e => (e.Kind, e.Season)).ShouldBe([(ListingEventKind.Reset, 2), (ListingEventKind.Synced, 2)]);

        await using var stale = WatchStream.Open(host.Channel, Pact.Id, seasonOneToken);
        (await stale.UntilSyncedAsync()).Select(e => (e.Kind, e.Season)).ShouldBe([(ListingEventKind.Reset, 2), (ListingEventKind.Synced, 2)]);
    }

    [Fact]
    public async Task Removing_the_plugin_ends_the_watch_cleanly()
    {
        await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Antykwariat");
        await using var watch = WatchStream.Open(host.Channel, Pact.Id);
        await watch.UntilSyncedAsync();

        await Pact.RemoveAsync(host, plugins);

        await watch.EndedAsync();
        watch.Error.ShouldBeNull();
        watch.Status.StatusCode.ShouldBe(StatusCode.OK);
        watch.Trailers.GetValue("krakow-watch-end").ShouldBe("campaign-removed");

        await using var after = WatchStream.Open(host.Channel, Pact.Id);
        await after.EndedAsync();
        after.Error!.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task Shutting_down_ends_the_watch_with_a_token_that_resumes_on_the_restarted_host()
    {
        var kept = await Pact.ApprovedAsync(host, Pact.Straszewskiego, "Antykwariat");
        string token;
        await using (var watch = WatchStream.Open(host.Channel, Pact.Id))
        {
            await watch.UntilSyncedAsync();
            host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
            await watch.EndedAsync();
            watch.Error!.StatusCode.ShouldBe(StatusCode.Unavailable);
            token = watch.Error.Trailers.GetValue("krakow-resume-token")!;
            token.ShouldNotBeNullOrEmpty();
        }

        host = await host.RestartAsync();
        await RenameAsync(kept, "Antykwariat po restarcie");

        await using var resumed = WatchStream.Open(host.Channel, Pact.Id, token);
        var events = await resumed.UntilSyncedAsync();
        events.Select(e => (e.Kind, e.Listing?.Name)).ShouldBe([(ListingEventKind.Updated, "Antykwariat po restarcie"), (ListingEventKind.Synced, null)]);
    }

    [Fact]
    public async Task A_client_that_stops_reading_holds_up_nobody()
    {
        await using var reader = WatchStream.Open(host.Channel, Pact.Id);
        await reader.UntilSyncedAsync();
        using var stalled = new CampaignWatch.CampaignWatchClient(host.Channel).WatchCampaign(new WatchCampaignRequest { CampaignId = Pact.Id });
        await stalled.ResponseHeadersAsync;

        // Far more than a stream's flow-control window: the stalled client's watch blocks on its first writes.
        const int count = 3000;
        await SeedListingsAsync(count);

        var received = 0;
        while (received < count)
        {
            var next = await reader.NextAsync(TimeSpan.FromSeconds(30));
            next.Kind.ShouldBe(ListingEventKind.Added);
            received++;
        }

        (await reader.AnyWithinAsync(TimeSpan.FromMilliseconds(200))).ShouldBeFalse();

        // The stalled client is cut off once it has taken nothing for the stall timeout (2 s here): its stream is reset.
        // (Reading it before then would un-stall it: look only when the timeout has surely passed.)
        await Task.Delay(TimeSpan.FromSeconds(4));
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var cutOff = await Should.ThrowAsync<RpcException>(async () =>
        {
            while (await stalled.ResponseStream.MoveNext(deadline.Token))
            {
            }
        });
        cutOff.StatusCode.ShouldBe(StatusCode.Internal);
        cutOff.Status.Detail.ShouldContain("reset");
    }

    private async Task RenameAsync((string Id, string Token) application, string name)
    {
        var update = new UpdateApplicationRequest { ApplicationId = application.Id, EditToken = application.Token };
        update.Answers.Add(Pact.Answers(Pact.Straszewskiego, name));
        await host.Applications.UpdateApplicationAsync(update);
    }

    /// <summary>Listings written straight into the tables, each with its feed entry, as a bulk import would.</summary>
    private async Task SeedListingsAsync(int count)
    {
        await host.ReadAsync(async db =>
        {
            var now = host.Clock.GetUtcNow();
            for (var i = 0; i < count; i++)
            {
                var id = $"seed{i:D5}@{Pact.Id}";
                db.Listings.Add(new Krakow.Modules.Maps.Domain.Listings.Listing
                {
                    Id = id,
                    CampaignId = Pact.Id,
                    SourceCampaignId = Pact.Id,
                    ApplicationId = $"seed{i:D5}",
                    Season = 1,
                    Name = $"Sklep numer {i} przy ulicy Straszewskiego, otwarty w czasie remontu",
                    CategoryId = "retail",
                    Latitude = Pact.Straszewskiego.Latitude,
                    Longitude = Pact.Straszewskiego.Longitude,
                    Street = "ul. Straszewskiego",
                    BuildingNumber = "1",
                    PostalCode = "31-113",
                    City = "Kraków",
                    Description = new string('x', 300),
                    UpdatedAt = now,
                });
                db.ListingChanges.Add(new ListingChange { ListingId = id, CampaignId = Pact.Id, Kind = ListingChangeKind.Added, ChangedAt = now });
            }

            return await db.SaveChangesAsync();
        });
    }
}

public sealed class WatchOnSqliteTests() : WatchTests(DatabaseKind.Sqlite);

public sealed class WatchOnPostgreSqlTests() : WatchTests(DatabaseKind.PostgreSql);
