using System.Text.Json;
using Krakow.BuildingBlocks.Contracts.Events;
using Krakow.BuildingBlocks.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Krakow.BuildingBlocks.Messaging.Outbox;

/// <summary>
/// One round of a module's outbox: takes the due events (oldest first), claims them so no other host instance
/// takes them too, and hands each to every registered handler that has not had it yet, each in a fresh scope.
/// A handler's success is recorded at once, so it is not run again when another handler fails; the event is
/// processed when all have it, otherwise it is retried after an exponential, capped backoff. An event that keeps
/// failing does not hold back the events after it.
/// </summary>
internal sealed class OutboxProcessor<TContext>(
    IServiceScopeFactory scopeFactory,
    IntegrationEventRegistry registry,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxProcessor<TContext>> logger)
    where TContext : ModuleDbContext
{
    private const int MaxErrorLength = 4000;

    private OutboxOptions Options => options.Value;

    /// <summary>Delivers one batch; returns how many due events it found (0: nothing is due now).</summary>
    public async Task<int> DispatchBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();

        var now = UtcNow();
        var dueIds = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.ProcessedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .Take(Math.Max(1, Options.BatchSize))
            .ToListAsync(cancellationToken);
        if (dueIds.Count == 0)
        {
            return 0;
        }

        // Claim: only rows still due are taken, so of two hosts racing for a row exactly one gets it.
        var token = Guid.NewGuid();
        DateTime? claimedUntil = now + Options.ClaimTimeout;
        var claimed = await db.OutboxMessages
            .Where(m => dueIds.Contains(m.Id) && m.ProcessedAt == null && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .ExecuteUpdateAsync(
                s => s.SetProperty(m => m.NextAttemptAt, claimedUntil).SetProperty(m => m.ClaimToken, (Guid?)token),
                cancellationToken);
        if (claimed == 0)
        {
            return dueIds.Count; // another host took them; look again
        }

        var messages = await db.OutboxMessages
            .Where(m => m.ClaimToken == token)
            .OrderBy(m => m.OccurredAt).ThenBy(m => m.Id)
            .ToListAsync(cancellationToken);
        var claimedIds = messages.Select(m => m.Id).ToList();
        var delivered = (await db.Set<OutboxDelivery>().AsNoTracking()
                .Where(d => claimedIds.Contains(d.MessageId))
                .Select(d => new { d.MessageId, d.Handler })
                .ToListAsync(cancellationToken))
            .ToLookup(d => d.MessageId, d => d.Handler);

        try
        {
            foreach (var message in messages)
            {
                cancellationToken.ThrowIfCancellationRequested();
                await DeliverAsync(db, message, delivered[message.Id].ToHashSet(StringComparer.Ordinal), cancellationToken);
            }
        }
        catch
        {
            // Stopping (or the database failed): hand back what this round did not finish, so the next round
            // here or on another host takes it up at once rather than after the claim times out.
            await ReleaseAsync(db, token);
            throw;
        }

        return dueIds.Count;
    }

    /// <summary>Deletes processed events older than <see cref="OutboxOptions.ProcessedRetention"/>, with their deliveries.</summary>
    public async Task<int> PurgeProcessedAsync(CancellationToken cancellationToken)
    {
        if (Options.ProcessedRetention is not { } retention)
        {
            return 0;
        }

        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        DateTime? cutoff = UtcNow() - retention;
        await db.Set<OutboxDelivery>()
            .Where(d => db.OutboxMessages.Any(m => m.Id == d.MessageId && m.ProcessedAt != null && m.ProcessedAt < cutoff))
            .ExecuteDeleteAsync(cancellationToken);
        return await db.OutboxMessages
            .Where(m => m.ProcessedAt != null && m.ProcessedAt < cutoff)
            .ExecuteDeleteAsync(cancellationToken);
    }

    private async Task DeliverAsync(TContext db, OutboxMessage message, HashSet<string> delivered, CancellationToken cancellationToken)
    {
        var pending = registry.HandlersFor(message.Type).Where(h => !delivered.Contains(h.HandlerName)).ToList();
        var failures = new List<string>();

        IntegrationEvent? integrationEvent = null;
        if (pending.Count > 0)
        {
            try
            {
                integrationEvent = registry.Deserialize(message.Type, message.Payload);
            }
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
            {
                failures.Add($"the payload cannot be read as {message.Type}: {ex.Message}");
                logger.LogError(ex, "Outbox event {EventId} ({EventType}) of module {Schema} cannot be read", message.Id, message.Type, db.Schema);
            }
        }

        if (integrationEvent is not null)
        {
            foreach (var handler in pending)
            {
                try
                {
                    await using var handlerScope = scopeFactory.CreateAsyncScope();
                    var instance = handlerScope.ServiceProvider.GetRequiredService(handler.HandlerType);
                    await handler.InvokeAsync(instance, integrationEvent, cancellationToken);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }
                catch (Exception ex)
                {
                    failures.Add($"{handler.HandlerName}: {ex.GetType().Name}: {ex.Message}");
                    logger.LogWarning(
                        ex,
                        "Handler {Handler} failed on event {EventId} ({EventType}) from module {Schema}, attempt {Attempt}",
                        handler.HandlerName, message.Id, message.Type, db.Schema, message.Attempts + 1);
                    continue;
                }

                await RecordDeliveryAsync(db, message.Id, handler.HandlerName);
            }
        }

        var now = UtcNow();
        message.ClaimToken = null;
        if (failures.Count == 0)
        {
            message.ProcessedAt = now;
            message.NextAttemptAt = null;
        }
        else
        {
            message.Attempts++;
            var delay = Backoff(message.Attempts);
            message.NextAttemptAt = now + delay;
            var error = string.Join("; ", failures);
            message.LastError = error.Length <= MaxErrorLength ? error : error[..MaxErrorLength];
            logger.LogInformation(
                "Event {EventId} ({EventType}) from module {Schema} will be retried in {Delay} (attempt {Attempt} failed)",
                message.Id, message.Type, db.Schema, delay, message.Attempts);
        }

        // Whatever happens to the host now, the outcome of handlers that already ran is kept.
        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task RecordDeliveryAsync(TContext db, Guid messageId, string handlerName)
    {
        var entry = db.Add(new OutboxDelivery(messageId, handlerName, UtcNow()));
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch (DbUpdateException ex) when (ex.IsUniqueViolation())
        {
            // Another host delivered it too (this host's claim had timed out): at least once, as promised.
            entry.State = EntityState.Detached;
        }
    }

    private async Task ReleaseAsync(TContext db, Guid token)
    {
        try
        {
            await db.OutboxMessages
                .Where(m => m.ClaimToken == token)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, (DateTime?)null).SetProperty(m => m.ClaimToken, (Guid?)null), CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not hand back claimed outbox events of module {Schema}; they are taken up again after {ClaimTimeout}", db.Schema, Options.ClaimTimeout);
        }
    }

    /// <summary>base · 2^(attempt-1), capped, with ±20% jitter so failing events from many hosts spread out.</summary>
    internal TimeSpan Backoff(int attempt)
    {
        var baseDelay = Options.RetryBaseDelay.Ticks;
        var max = Options.RetryMaxDelay.Ticks;
        var exponential = baseDelay * Math.Pow(2, Math.Clamp(attempt - 1, 0, 40));
        var jittered = Math.Min(exponential, max) * (0.8 + (0.4 * Random.Shared.NextDouble()));
        return TimeSpan.FromTicks((long)Math.Min(jittered, max));
    }

    private DateTime UtcNow() => timeProvider.GetUtcNow().UtcDateTime;
}
