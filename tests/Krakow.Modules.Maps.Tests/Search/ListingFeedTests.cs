using System.Diagnostics;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Modules.Maps.Infrastructure.Search;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shouldly;
using static Krakow.Modules.Maps.Tests.Search.SearchFixture;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// Several host instances on one database (as behind a load balancer): each builds its index from the Listings table
/// at start-up and follows the listing feed, so they converge; page tokens travel between instances that sign with
/// the same module key — the one kept in their database, or a shared Maps:TokenKey — and only those.
/// </summary>
public abstract class ListingFeedTests(bool postgreSql)
{
    private static readonly string SharedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    [Fact]
    public async Task Instances_on_one_database_converge_and_honour_each_others_tokens()
    {
        await using var database = await SearchDatabase.CreateAsync(postgreSql);
        var catalog = new SearchCatalog();
        var campaign = catalog.Add("feed", ["shop"]).Id;
        var key = new Dictionary<string, string?> { ["Maps:TokenKey"] = SharedKey };
        await using var a = await SearchHost.StartAsync(database, catalog, key);

        var seeded = Enumerable.Range(0, 12).Select(i => ListingSeeder.Listing(campaign, 50.06 + (i * 0.001), 19.94, applicationId: $"feed-{i:D2}")).ToArray();
        await ListingSeeder.AddAsync(a, seeded);

        // B starts after the rows exist: it builds its index from the table.
        await using var b = await SearchHost.StartAsync(database, catalog, key);
        await using var c = await SearchHost.StartAsync(database, catalog); // no shared key
        // The full view, so the instances' answers are compared on every field.
        var request = new SearchNearbyRequest { Center = Point(50.06, 19.94), RadiusMeters = 5000, PageSize = 5, Filter = Only(campaign), View = ListingView.Full };
        var pageA = await a.Listings.SearchNearbyAsync(request);
        var pageB = await b.Listings.SearchNearbyAsync(request);
        pageB.ShouldBe(pageA);

        // A token from A is good on B (same key), and refused by C (its own key).
        var nextFromB = await b.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = pageA.NextPageToken });
        nextFromB.Hits.Select(h => h.Listing.ApplicationId).ShouldBe(["feed-05", "feed-06", "feed-07", "feed-08", "feed-09"]);
        var refused = await Should.ThrowAsync<RpcException>(() => c.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = pageA.NextPageToken }).ResponseAsync);
        ViolationsOf(refused).ShouldHaveSingleItem().Field.ShouldBe("page_token");

        // Changes written through A reach B and C by their own polling (nobody nudges them).
        var watch = Stopwatch.StartNew();
        await ListingSeeder.AddAsync(a, ListingSeeder.Listing(campaign, 50.06, 19.9401, applicationId: "feed-new"));
        await ListingSeeder.UpdateAsync(a, seeded[1].Id, l => l.Name = "Przemianowany");
        await ListingSeeder.RemoveAsync(a, seeded[2].Id);
        foreach (var instance in new[] { b, c })
        {
            await Eventually(async () =>
            {
                var all = await instance.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageSize = 100 });
                var ids = all.Hits.Select(h => h.Listing.ApplicationId).ToList();
                return ids.Contains("feed-new") && !ids.Contains("feed-02")
                    && all.Hits.Single(h => h.Listing.ApplicationId == "feed-01").Listing.Name == "Przemianowany";
            });
        }

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        var everywhere = await Task.WhenAll(new[] { a, b, c }.Select(async h => (await h.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageSize = 100 })).Hits));
        everywhere[1].ShouldBe(everywhere[0]);
        everywhere[2].ShouldBe(everywhere[0]);
    }

    [Fact]
    public async Task Without_a_configured_key_instances_on_one_database_honour_each_others_tokens()
    {
        await using var database = await SearchDatabase.CreateAsync(postgreSql);
        var catalog = new SearchCatalog();
        var campaign = catalog.Add("keyless", ["shop"]).Id;
        await using var a = await SearchHost.StartAsync(database, catalog);
        await ListingSeeder.AddAsync(a, [.. Enumerable.Range(0, 8).Select(i => ListingSeeder.Listing(campaign, 50.06 + (i * 0.001), 19.94, applicationId: $"keyless-{i}"))]);
        await using var b = await SearchHost.StartAsync(database, catalog);
        var request = new SearchNearbyRequest { Center = Point(50.06, 19.94), RadiusMeters = 5000, PageSize = 3, Filter = Only(campaign) };

        // Neither has Maps:TokenKey: both sign with the key their database keeps, so A's token continues on B.
        var firstFromA = await a.Listings.SearchNearbyAsync(request);
        firstFromA.NextPageToken.ShouldNotBeEmpty();
        var nextFromB = await b.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = firstFromA.NextPageToken });
        var nextFromA = await a.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = firstFromA.NextPageToken });
        nextFromB.Hits.Select(ApplicationIdOf).ShouldBe(["keyless-3", "keyless-4", "keyless-5"]);
        nextFromB.ShouldBe(nextFromA);

        // And back: B's token continues on A.
        var lastFromA = await a.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = nextFromB.NextPageToken });
        lastFromA.Hits.Select(ApplicationIdOf).ShouldBe(["keyless-6", "keyless-7"]);
        lastFromA.NextPageToken.ShouldBeEmpty();

        // A token altered in one character is still refused, by either instance.
        var token = firstFromA.NextPageToken;
        var tampered = token[..^2] + (token[^2] == 'A' ? 'B' : 'A') + token[^1];
        foreach (var instance in new[] { a, b })
        {
            var refused = await Should.ThrowAsync<RpcException>(() => instance.Listings.SearchNearbyAsync(new SearchNearbyRequest(request) { PageToken = tampered }).ResponseAsync);
            refused.StatusCode.ShouldBe(StatusCode.InvalidArgument);
            ViolationsOf(refused).ShouldHaveSingleItem().Field.ShouldBe("page_token");
        }
    }

    [Fact]
    public async Task The_feed_is_read_in_batches_and_a_long_backlog_makes_a_full_rebuild()
    {
        await using var database = await SearchDatabase.CreateAsync(postgreSql);
        var catalog = new SearchCatalog();
        var campaign = catalog.Add("batches", ["shop"]).Id;
        await using var host = await SearchHost.StartAsync(database, catalog, services: services =>
        {
            services.RemoveAll<SearchIndexOptions>();
            services.AddSingleton(new SearchIndexOptions { BatchSize = 4, RebuildThreshold = 10 });
        });
        var index = host.Services.GetRequiredService<IListingIndex>();
        var request = new SearchNearbyRequest { Center = Point(50.06, 19.94), RadiusMeters = 20_000, PageSize = 100, Filter = Only(campaign) };

        var initial = (await index.GetSnapshotAsync(CancellationToken.None)).Generation;

        // 7 changes (one commit): two batches, replayed.
        await ListingSeeder.AddAsync(host, [.. Enumerable.Range(0, 7).Select(i => ListingSeeder.Listing(campaign, 50.06 + (i * 0.001), 19.94, applicationId: $"batch-{i:D2}"))]);
        var afterReplay = index.Current!;
        (await host.Listings.SearchNearbyAsync(request)).Hits.Count.ShouldBe(7);
        afterReplay.Generation.ShouldBe(initial + 2);

        // 25 more at once: the backlog exceeds the threshold, so the index is rebuilt from the table.
        await ListingSeeder.AddAsync(host, [.. Enumerable.Range(7, 25).Select(i => ListingSeeder.Listing(campaign, 50.06 + (i * 0.001), 19.94, applicationId: $"batch-{i:D2}"))]);
        var afterRebuild = index.Current!;
        (await host.Listings.SearchNearbyAsync(request)).Hits.Count.ShouldBe(32);
        afterRebuild.Position.Sequence.ShouldBe(32);
        afterRebuild.Position.Complete.ShouldBeTrue();
        afterRebuild.Position.SequenceOf(campaign).ShouldBe(32);
        afterRebuild.Generation.ShouldBe(afterReplay.Generation + 1, "one rebuild, not seven batches");
    }

    [Fact]
    public async Task A_short_token_key_stops_the_start_up_naming_the_setting()
    {
        await using var database = await SearchDatabase.CreateAsync(postgreSql);
        var error = await Should.ThrowAsync<Exception>(() => SearchHost.StartAsync(database, settings: new Dictionary<string, string?> { ["Maps:TokenKey"] = Convert.ToBase64String(new byte[16]) }));
        error.Message.ShouldContain("Maps:TokenKey");
        error.Message.ShouldContain("at least 32 bytes");
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new ShouldAssertException("the instances did not converge within 10 s");
            }

            await Task.Delay(50);
        }
    }
}

public sealed class ListingFeedOnSqliteTests() : ListingFeedTests(postgreSql: false);

public sealed class ListingFeedOnPostgreSqlTests() : ListingFeedTests(postgreSql: true)
{
    /// <summary>
    /// PostgreSQL hands out sequences before commit, so a change can commit after a later one. The index must not
    /// skip it: it records the gap, keeps its position incomplete (the export cache is bypassed) and applies the
    /// change when it commits.
    /// </summary>
    [Fact]
    public async Task A_change_that_commits_after_a_later_one_is_not_skipped()
    {
        await using var database = await SearchDatabase.CreateAsync(postgreSql: true);
        var catalog = new SearchCatalog();
        var campaign = catalog.Add("gaps", ["shop"]).Id;
        await using var host = await SearchHost.StartAsync(database, catalog);
        var index = host.Services.GetRequiredService<IListingIndex>();
        var request = new SearchNearbyRequest { Center = Point(50.06, 19.94), RadiusMeters = 5000, Filter = Only(campaign) };
        await ListingSeeder.AddAsync(host, ListingSeeder.Listing(campaign, 50.06, 19.94, applicationId: "gap-first"));

        // A transaction takes the next sequence and stays open; a later one commits first.
        await using var slowScope = host.Services.CreateAsyncScope();
        var slow = slowScope.ServiceProvider.GetRequiredService<MapsDbContext>();
        await using var transaction = await slow.Database.BeginTransactionAsync();
        var late = ListingSeeder.Listing(campaign, 50.061, 19.94, applicationId: "gap-late");
        slow.Listings.Add(late);
        slow.ListingChanges.Add(new ListingChange { ListingId = late.Id, CampaignId = campaign, Kind = ListingChangeKind.Added, ChangedAt = DateTimeOffset.UtcNow });
        await slow.SaveChangesAsync();

        await ListingSeeder.AddAsync(host, ListingSeeder.Listing(campaign, 50.062, 19.94, applicationId: "gap-early"));
        index.Current!.Position.Complete.ShouldBeFalse("sequence 2 is outstanding");
        index.Current.Position.Sequence.ShouldBe(3);
        (await host.Listings.SearchNearbyAsync(request)).Hits.Select(ApplicationIdOf).ShouldBe(["gap-first", "gap-early"]);

        await transaction.CommitAsync();
        await host.CatchUpAsync();

        index.Current!.Position.Complete.ShouldBeTrue();
        (await host.Listings.SearchNearbyAsync(request)).Hits.Select(ApplicationIdOf).ShouldBe(["gap-first", "gap-late", "gap-early"]);
    }
}
