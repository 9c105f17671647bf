using System.Data.Common;
using Krakow.Modules.Maps.Application.ListingFeed;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

/// <summary>
/// Nudges every follower of the listing change feed after each save on the Maps DbContext — or, inside an explicit
/// transaction, whose rows no other connection sees before it commits, after the commit — so a change made on this
/// instance reaches the search index and the watches in milliseconds rather than at the next poll. A nudge only asks
/// for one cheap feed query, and nudges coalesce, so saves that wrote no listing change cost next to nothing.
/// </summary>
internal sealed class ListingFeedNudger(IEnumerable<IListingFeedListener> listeners) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly IListingFeedListener[] listeners = [.. listeners];

    /// <summary>Registers <paramref name="listener"/> and, once, the nudger on the Maps DbContext.</summary>
    public static IServiceCollection AddListener<TListener>(IServiceCollection services)
        where TListener : class, IListingFeedListener
    {
        services.AddSingleton<IListingFeedListener>(sp => sp.GetRequiredService<TListener>());
        if (!services.Any(d => d.ServiceType == typeof(ListingFeedNudger)))
        {
            services.AddSingleton<ListingFeedNudger>();
            services.ConfigureDbContext<MapsDbContext>((sp, options) => options.AddInterceptors(sp.GetRequiredService<ListingFeedNudger>()));
        }

        return services;
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        NudgeUnlessInTransaction(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        NudgeUnlessInTransaction(eventData);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => NudgeAll();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        NudgeAll();
        return Task.CompletedTask;
    }

    private void NudgeUnlessInTransaction(SaveChangesCompletedEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            NudgeAll();
        }
    }

    private void NudgeAll()
    {
        foreach (var listener in listeners)
        {
            listener.Nudge();
        }
    }
}
