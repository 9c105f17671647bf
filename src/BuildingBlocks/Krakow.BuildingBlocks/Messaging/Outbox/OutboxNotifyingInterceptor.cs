using System.Data.Common;
using Krakow.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Krakow.BuildingBlocks.Messaging.Outbox;

/// <summary>
/// Wakes the module's dispatcher once outbox rows are committed: after SaveChanges when it ran in its own
/// transaction, or when the caller's transaction around it commits. A rolled-back transaction wakes nobody.
/// </summary>
internal sealed class OutboxNotifyingInterceptor<TContext>(OutboxSignal<TContext> signal) : ISaveChangesInterceptor, IDbTransactionInterceptor
    where TContext : ModuleDbContext
{
    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        AnnounceIfCommitted(eventData.Context);
        return result;
    }

    public ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        AnnounceIfCommitted(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Announce(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Announce(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void AnnounceIfCommitted(DbContext? context)
    {
        if (context is ModuleDbContext module && module.Database.CurrentTransaction is null)
        {
            Announce(module);
        }
    }

    private void Announce(DbContext? context)
    {
        if (context is ModuleDbContext { HasUnannouncedOutboxRows: true } module)
        {
            module.HasUnannouncedOutboxRows = false;
            signal.Notify();
        }
    }

    private static void Forget(DbContext? context)
    {
        if (context is ModuleDbContext module)
        {
            module.HasUnannouncedOutboxRows = false;
        }
    }
}
