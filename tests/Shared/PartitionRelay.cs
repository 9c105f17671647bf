using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Krakow.Tests.Shared;

/// <summary>
/// A loopback TCP relay in front of a real server (Redis, PostgreSQL) that can cut the network between the platform
/// and that server while the server keeps running with its data: a partition, which stopping the server cannot
/// simulate (a restarted Redis without persistence has lost every key, so nothing stale would survive). Linked
/// into the test projects that need it.
/// </summary>
public sealed class PartitionRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<TcpClient, TcpClient> _links = new();
    private readonly Task _acceptLoop;
    private volatile bool _partitioned;

    public PartitionRelay(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>Drops every relayed connection and refuses new ones until <see cref="Heal"/>.</summary>
    public void Partition()
    {
        _partitioned = true;
        foreach (var (client, upstream) in _links)
        {
            Close(client, upstream);
        }
    }

    public void Heal() => _partitioned = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Partition();
        try
        {
            await _acceptLoop;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_partitioned)
            {
                client.Dispose();
                continue;
            }

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
            _links[client] = upstream;
            if (_partitioned)
            {
                return;
            }

            var toServer = client.GetStream().CopyToAsync(upstream.GetStream(), _stop.Token);
            var toClient = upstream.GetStream().CopyToAsync(client.GetStream(), _stop.Token);
            await Task.WhenAny(toServer, toClient);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close(client, upstream);
        }
    }

    private void Close(TcpClient client, TcpClient upstream)
    {
        _links.TryRemove(client, out _);
        client.Dispose();
        upstream.Dispose();
    }
}
