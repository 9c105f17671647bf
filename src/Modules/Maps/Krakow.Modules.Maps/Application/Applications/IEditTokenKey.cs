namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>The server's secret key edit tokens are derived from; the same on every host instance and across restarts.</summary>
internal interface IEditTokenKey
{
    ValueTask<byte[]> GetAsync(CancellationToken cancellationToken);
}
