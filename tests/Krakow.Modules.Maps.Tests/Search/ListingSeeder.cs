using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// Writes listings the way the module does (a Listing row and a ListingChange in one SaveChanges), straight into
/// the module's DbContext. Test-only, kept here so it can give way to the Applications and Moderation APIs; the
/// end-to-end test goes through Submit and Approve.
/// </summary>
internal static class ListingSeeder
{
    private static int counter;

    /// <summary>A listing with sensible defaults; <paramref name="applicationId"/> is made unique when not given.</summary>
    public static Listing Listing(
        string campaignId,
        double latitude,
        double longitude,
        string? applicationId = null,
        string name = "Sklep",
        string category = "shop",
        string description = "",
        bool ordersOnline = false,
        bool delivers = false,
        int season = 1,
        string? sourceCampaignId = null,
        string offerImageId = "")
    {
        applicationId ??= $"app-{Interlocked.Increment(ref counter):D6}";
        return new Listing
        {
            Id = Domain.Listings.Listing.IdFor(applicationId, campaignId),
            CampaignId = campaignId,
            SourceCampaignId = sourceCampaignId ?? campaignId,
            ApplicationId = applicationId,
            Season = season,
            Name = name,
            CategoryId = category,
            Latitude = latitude,
            Longitude = longitude,
            Street = "Rynek Główny",
            BuildingNumber = "1",
            PostalCode = "31-042",
            City = "Kraków",
            OrdersOnline = ordersOnline,
            Delivers = delivers,
            Website = "https://example.pl/" + applicationId,
            Phone = "+48 12 000 00 00",
            Description = description,
            OfferImageId = offerImageId,
            UpdatedAt = new DateTimeOffset(2024, 12, 1, 10, 0, 0, TimeSpan.Zero),
        };
    }

    public static async Task AddAsync(SearchHost host, params Listing[] listings)
    {
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
            foreach (var listing in listings)
            {
                db.Listings.Add(listing);
                db.ListingChanges.Add(Change(listing, ListingChangeKind.Added));
            }

            await db.SaveChangesAsync();
        }

        await host.CatchUpAsync();
    }

    public static async Task UpdateAsync(SearchHost host, string listingId, Action<Listing> change)
    {
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
            var listing = await db.Listings.SingleAsync(l => l.Id == listingId);
            change(listing);
            db.ListingChanges.Add(Change(listing, ListingChangeKind.Updated));
            await db.SaveChangesAsync();
        }

        await host.CatchUpAsync();
    }

    public static async Task RemoveAsync(SearchHost host, string listingId)
    {
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<MapsDbContext>();
            var listing = await db.Listings.SingleAsync(l => l.Id == listingId);
            db.Listings.Remove(listing);
            db.ListingChanges.Add(Change(listing, ListingChangeKind.Removed));
            await db.SaveChangesAsync();
        }

        await host.CatchUpAsync();
    }

    private static ListingChange Change(Listing listing, ListingChangeKind kind) =>
        new() { ListingId = listing.Id, CampaignId = listing.CampaignId, Kind = kind, ChangedAt = DateTimeOffset.UtcNow };
}
