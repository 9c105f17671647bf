using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Persistence.Internal;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Krakow.BuildingBlocks.Messaging.Outbox;

/// <summary>
/// Delivers one module's outbox for as long as the host runs. It starts once MigrateModuleDatabasesAsync has
/// brought the module's tables up to date, then delivers whatever is due, and when nothing is, sleeps until this
/// host commits outbox rows or the poll interval passes (one indexed query per interval when idle).
/// </summary>
internal sealed class OutboxDispatcher<TContext>(
    OutboxProcessor<TContext> processor,
    OutboxSignal<TContext> signal,
    IEnumerable<ModuleDatabaseRegistration> registrations,
    IOptions<OutboxOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxDispatcher<TContext>> logger) : BackgroundService
    where TContext : ModuleDbContext
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan MaxErrorDelay = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var registration = registrations.Single(r => r.ContextType == typeof(TContext));
        if (!await WaitForMigrationsAsync(registration, stoppingToken))
        {
            return;
        }

        logger.LogDebug("Outbox dispatcher for {Context} started", typeof(TContext).Name);
        var consecutiveErrors = 0;
        var nextPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            var found = 0;
            try
            {
                found = await processor.DispatchBatchAsync(stoppingToken);
                if (timeProvider.GetUtcNow() >= nextPurge)
                {
                    nextPurge = timeProvider.GetUtcNow() + PurgeInterval;
                    var purged = await processor.PurgeProcessedAsync(stoppingToken);
                    if (purged > 0)
                    {
                        logger.LogInformation("Deleted {Count} processed outbox events of {Context}", purged, typeof(TContext).Name);
                    }
                }

                consecutiveErrors = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                consecutiveErrors++;
                logger.LogError(ex, "Outbox dispatcher for {Context} failed (#{Count} in a row); trying again", typeof(TContext).Name, consecutiveErrors);
            }

            if (found > 0 && consecutiveErrors == 0)
            {
                continue; // more may be due
            }

            var wait = consecutiveErrors == 0
                ? options.Value.PollInterval
                : TimeSpan.FromTicks(Math.Min(options.Value.PollInterval.Ticks << Math.Min(consecutiveErrors, 6), MaxErrorDelay.Ticks));
            try
            {
                await signal.WaitAsync(wait, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task<bool> WaitForMigrationsAsync(ModuleDatabaseRegistration registration, CancellationToken stoppingToken)
    {
        try
        {
            try
            {
                await registration.Migrated.WaitAsync(TimeSpan.FromSeconds(30), timeProvider, stoppingToken);
            }
            catch (TimeoutException)
            {
                logger.LogWarning(
                    "Outbox dispatcher for {Context} is waiting for MigrateModuleDatabasesAsync: the host must call it at start-up",
                    typeof(TContext).Name);
                await registration.Migrated.WaitAsync(stoppingToken);
            }

            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
