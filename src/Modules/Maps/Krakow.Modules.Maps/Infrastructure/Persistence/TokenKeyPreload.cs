using Krakow.Modules.Maps.Application.Applications;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

/// <summary>
/// Loads the module's token key (see <see cref="EditTokenKeyStore"/>) while the host starts, after the migrations, so
/// that no request (a first search signing its page token, a first submission) waits on the database for it, or fails
/// with the database for it. A failure here does not stop the host: the key then loads on first use.
/// </summary>
internal sealed partial class TokenKeyPreload(IEditTokenKey key, ILogger<TokenKeyPreload> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await key.GetAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            LogPreloadFailed(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load the token key at start-up; it loads on first use")]
    private partial void LogPreloadFailed(Exception exception);
}
