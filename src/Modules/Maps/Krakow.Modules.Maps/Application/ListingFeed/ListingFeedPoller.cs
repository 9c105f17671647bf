using System.Threading.Channels;
using Microsoft.Extensions.Hosting;

namespace Krakow.Modules.Maps.Application.ListingFeed;

/// <summary>
/// The loop every follower of the listing change feed runs (the search index, the campaign watches): one step,
/// then wait for a nudge or the next tick; after a failure, back off exponentially (0.5 s up to 30 s) and try again.
/// <see cref="CatchUpAsync"/> lets a caller wait for a step that starts after its call.
/// </summary>
internal abstract class ListingFeedPoller : BackgroundService, IListingFeedListener
{
    private readonly Channel<bool> nudges = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private TaskCompletionSource nextStep = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How long the loop waits between steps when nobody nudges it.</summary>
    protected abstract TimeSpan PollInterval { get; }

    /// <summary>Asks for a step now instead of at the next tick. Cheap; calls coalesce.</summary>
    public void Nudge() => nudges.Writer.TryWrite(true);

    /// <summary>Returns once a step that started after this call has finished (a failed step hands over to the next one).</summary>
    public Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var step = Volatile.Read(ref nextStep).Task;
        Nudge();
        return step.WaitAsync(cancellationToken);
    }

    /// <summary>One step of following the feed; only the loop calls it, never two at once.</summary>
    protected abstract Task StepAsync(CancellationToken cancellationToken);

    /// <summary>Reports a failed step; <paramref name="failures"/> counts them in a row.</summary>
    protected abstract void OnStepFailed(Exception exception, int failures);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var completing = Interlocked.Exchange(ref nextStep, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
            try
            {
                await StepAsync(stoppingToken);
                completing.TrySetResult();
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                completing.TrySetCanceled(stoppingToken);
                return;
            }
            catch (Exception ex)
            {
                // Whoever waits for this step waits for the next one instead.
                _ = Volatile.Read(ref nextStep).Task.ContinueWith(
                    _ => completing.TrySetResult(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                failures++;
                OnStepFailed(ex, failures);
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(30_000, 250 * Math.Pow(2, Math.Min(failures, 7)))), stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            await WaitForNudgeOrTickAsync(stoppingToken);
        }
    }

    private async Task WaitForNudgeOrTickAsync(CancellationToken stoppingToken)
    {
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        tick.CancelAfter(PollInterval);
        try
        {
            await nudges.Reader.WaitToReadAsync(tick.Token);
            nudges.Reader.TryRead(out _);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
