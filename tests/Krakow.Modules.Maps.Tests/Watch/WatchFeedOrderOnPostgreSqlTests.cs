using Krakow.Maps.V1;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Krakow.Modules.Maps.Tests.Infrastructure;
using Krakow.Modules.Maps.Tests.Plugins;
using Krakow.Modules.Maps.Tests.RenovationPact;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Watch;

/// <summary>
/// On PostgreSQL a transaction that drew a feed sequence can commit after one that drew a later sequence. A watch
/// must neither skip the late one nor send them out of order: it waits at the gap until the late one commits.
/// </summary>
public sealed class WatchFeedOrderOnPostgreSqlTests : IAsyncLifetime
{
    private readonly PluginDirectory plugins = new();
    private MapsHost host = null!;

    public async Task InitializeAsync() => host = await Pact.StartAsync(plugins, withPact: true, database: DatabaseKind.PostgreSql);

    public async Task DisposeAsync()
    {
        await host.DisposeAsync();
        plugins.Dispose();
    }

    [Fact]
    public async Task A_change_that_commits_after_a_later_one_is_neither_skipped_nor_sent_out_of_order()
    {
        await using var watch = WatchStream.Open(host.Channel, Pact.Id);
        await watch.UntilSyncedAsync();

        // A transaction takes the next sequence and stays open; an approval takes the one after and commits first.
        await using var slowScope = host.Services.CreateAsyncScope();
        var slow = slowScope.ServiceProvider.GetRequiredService<MapsDbContext>();
        await using var transaction = await slow.Database.BeginTransactionAsync();
        var now = host.Clock.GetUtcNow();
        var late = new Krakow.Modules.Maps.Domain.Listings.Listing
        {
            Id = "slow-import@" + Pact.Id,
            CampaignId = Pact.Id,
            SourceCampaignId = Pact.Id,
            ApplicationId = "slow-import",
            Season = 1,
            Name = "Import, który się spóźnił",
            CategoryId = "retail",
            Latitude = Pact.Straszewskiego.Latitude,
            Longitude = Pact.Straszewskiego.Longitude,
            UpdatedAt = now,
        };
        slow.Listings.Add(late);
        slow.ListingChanges.Add(new ListingChange { ListingId = late.Id, CampaignId = Pact.Id, Kind = ListingChangeKind.Added, ChangedAt = now });
        await slow.SaveChangesAsync();

        var (approved, _) = await Pact.ApprovedAsync(host, Pact.Pilsudskiego, "Piekarnia");
        (await watch.AnyWithinAsync(TimeSpan.FromSeconds(1))).ShouldBeFalse("the approval is held back behind the open transaction's sequence");

        await transaction.CommitAsync();
        var first = await watch.NextAsync();
        var second = await watch.NextAsync();
        (first.Kind, first.ListingId).ShouldBe((ListingEventKind.Added, late.Id));
        (second.Kind, second.ListingId).ShouldBe((ListingEventKind.Added, $"{approved}@{Pact.Id}"));
    }
}
