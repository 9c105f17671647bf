using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Krakow.Modules.Maps.Application.Watch;

/// <summary>
/// Nudges the <see cref="ListingFeedFollower"/> after every save on the Maps DbContext — or, inside an explicit
/// transaction, whose rows no other connection sees before it commits, after the commit — so watches see a change
/// made on this instance in milliseconds rather than at the next poll. A nudge only asks for one cheap feed query,
/// and nudges coalesce, so saves that wrote no listing change cost next to nothing.
/// </summary>
internal sealed class WatchFeedNudger(ListingFeedFollower follower) : SaveChangesInterceptor, IDbTransactionInterceptor
{
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

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => follower.Nudge();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        follower.Nudge();
        return Task.CompletedTask;
    }

    private void NudgeUnlessInTransaction(SaveChangesCompletedEventData eventData)
    {
        if (eventData.Context?.Database.CurrentTransaction is null)
        {
            follower.Nudge();
        }
    }
}
