using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Krakow.Tests.Shared;

/// <summary>
/// A real <c>redis-server</c> (the Debian package), started as a child process on a free loopback port with no
/// persistence, so a test can kill it and start it again on the same port to simulate an outage.
/// When redis-server is not installed the test fails (never skips) and says how to get it.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly string[] KnownLocations = ["/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server"];

    private readonly string _executable;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private RedisServer(string executable, int port)
    {
        _executable = executable;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A StackExchange.Redis configuration string for this server, with short timeouts for tests.</summary>
    public string Configuration => ConfigurationFor(Port);

    public bool IsRunning => _process is { HasExited: false };

    public static string ConfigurationFor(int port) => $"127.0.0.1:{port},connectTimeout=1000,syncTimeout=2000";

    /// <summary>Starts a server on a free loopback port.</summary>
    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FindExecutable(), FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>A server object on a free port, not started yet (to test a host that starts while Redis is down).</summary>
    public static RedisServer NotStarted() => new(FindExecutable(), FreePort());

    public static string FindExecutable()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "redis-server"));
        return onPath.Concat(KnownLocations).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "redis-server is not installed: these tests run against a real Redis. Run scripts/test.sh (it installs the Debian package redis-server), or apt-get install redis-server.");
    }

    /// <summary>(Re)starts the server on <see cref="Port"/> and waits until it answers PING.</summary>
    public async Task StartAgainAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("redis-server is already running");
        }

        var info = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var argument in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start redis-server");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                break;
            }

            if (await AnswersPingAsync())
            {
                return;
            }

            await Task.Delay(20);
        }

        Kill();
        string output;
        lock (_output)
        {
            output = _output.ToString();
        }

        throw new InvalidOperationException($"redis-server did not start on port {Port}. Its output:\n{output}");
    }

    /// <summary>Kills the server abruptly (SIGKILL): an outage.</summary>
    public void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            process.WaitForExit(5000);
        }
        finally
        {
            process.Dispose();
        }
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var read = await stream.ReadAsync(buffer, timeout.Token);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
