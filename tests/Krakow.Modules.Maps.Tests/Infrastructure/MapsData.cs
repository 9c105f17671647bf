using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>Reads the Maps module's tables directly, to see what the API cannot show (the change feed, the outbox).</summary>
internal static class MapsData
{
    public static async Task<List<Listing>> ListingsOfAsync(this MapsHost host, string applicationId) =>
        await ReadAsync(host, db => db.Listings.AsNoTracking().Where(l => l.ApplicationId == applicationId).OrderBy(l => l.CampaignId).ToListAsync());

    public static async Task<List<ListingChange>> ListingChangesOfAsync(this MapsHost host, string applicationId) =>
        await ReadAsync(host, db => db.ListingChanges.AsNoTracking()
            .Where(c => c.ListingId.StartsWith(applicationId + "@"))
            .OrderBy(c => c.Sequence)
            .ToListAsync());

    public static async Task<List<string>> OutboxPayloadsAsync(this MapsHost host, string eventTypeName) =>
        await ReadAsync(host, db => db.OutboxMessages.AsNoTracking()
            .Where(m => m.Type.EndsWith("." + eventTypeName))
            .Select(m => m.Payload)
            .ToListAsync());

    public static async Task<T> ReadAsync<T>(this MapsHost host, Func<MapsDbContext, Task<T>> read)
    {
        await using var scope = host.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<MapsDbContext>());
    }
}
