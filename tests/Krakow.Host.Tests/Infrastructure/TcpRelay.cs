using System.Net;
using System.Net.Sockets;

namespace Krakow.Host.Tests.Infrastructure;

/// <summary>
/// A TCP relay on loopback in front of a real server, which a test can cut (every connection through it closed, new
/// ones closed as soon as they are accepted) and restore: a network outage between the platform and its database.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly string targetHost;
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<TcpClient> open = [];
    private readonly Task accepting;
    private volatile bool cut;

    public TcpRelay(string targetHost, int targetPort)
    {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        listener.Start();
        accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    public void Cut()
    {
        cut = true;
        lock (gate)
        {
            foreach (var client in open)
            {
                client.Dispose();
            }

            open.Clear();
        }
    }

    public void Restore() => cut = false;

    public async ValueTask DisposeAsync()
    {
        stopping.Cancel();
        listener.Stop();
        Cut();
        await accepting.ContinueWith(_ => { }, TaskScheduler.Default);
        stopping.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!stopping.IsCancellationRequested)
        {
            var caller = await listener.AcceptTcpClientAsync(stopping.Token);
            if (cut)
            {
                caller.Dispose();
                continue;
            }

            _ = RelayAsync(caller);
        }
    }

    private async Task RelayAsync(TcpClient caller)
    {
        var server = new TcpClient();
        lock (gate)
        {
            open.Add(caller);
            open.Add(server);
        }

        try
        {
            await server.ConnectAsync(targetHost, targetPort, stopping.Token);
            await Task.WhenAny(
                caller.GetStream().CopyToAsync(server.GetStream(), stopping.Token),
                server.GetStream().CopyToAsync(caller.GetStream(), stopping.Token));
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Cut, or one side hung up: the other side is closed below.
        }
        finally
        {
            caller.Dispose();
            server.Dispose();
        }
    }
}
