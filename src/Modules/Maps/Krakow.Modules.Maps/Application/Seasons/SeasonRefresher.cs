using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Application.Seasons;

/// <summary>
/// Reads the season rows into the <see cref="SeasonalCampaignCatalog"/> while the host starts (before Kestrel
/// listens, so the first request already sees every season), then again every
/// <see cref="SeasonOptions.RefreshInterval"/>, for seasons opened by other instances sharing the database.
/// </summary>
internal sealed partial class SeasonRefresher(SeasonalCampaignCatalog catalog, SeasonOptions options, ILogger<SeasonRefresher> logger)
    : BackgroundService, IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => catalog.ReloadAsync(cancellationToken);

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RefreshInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await catalog.ReloadAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // The catalogue keeps the seasons it knows; the next tick tries again.
                    LogRefreshFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Reading the campaign seasons failed; the catalogue keeps the seasons it knows")]
    private partial void LogRefreshFailed(Exception exception);
}
