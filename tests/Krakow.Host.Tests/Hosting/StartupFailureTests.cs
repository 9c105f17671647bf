using System.Diagnostics;
using Shouldly;

namespace Krakow.Host.Tests.Hosting;

/// <summary>
/// The host as its operators start it: a bad setting ends the process at once with exit code 1 and one line
/// naming the cause, never a stack trace as the only explanation.
/// </summary>
public sealed class StartupFailureTests
{
    public static TheoryData<string, string, string> BadSettings { get; } = new()
    {
        { "Platform__GrpcPort", "70000", "Platform:GrpcPort must be a port from 1 to 65535, not 70000." },
        { "Platform__GrpcPort", "abc", "Platform:GrpcPort" },
        { "Platform__ListenAddress", "localhost.example", "Platform:ListenAddress must be an IP address" },
        { "Modules__Metropolis__Enabled", "maybe", "Modules:Metropolis:Enabled must be true or false, not 'maybe'." },
        { "ConnectionStrings__Platform", "Host=;;;garbage", "ConnectionStrings:Platform" },
        { "ConnectionStrings__Platform", "Host=127.0.0.1;Port=1;Username=u;Password=p;Database=d;Timeout=2", "PostgreSQL" },
        { "Platform__DataDirectory", "/etc/hostname", "Platform:DataDirectory" },
        { "Redis__Configuration", "127.0.0.1:6379,nonsense=1", "Redis:Configuration" },
        { "Security__ApiKeys__0__Name", "admin", "Security:ApiKeys:0:Sha256" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public async Task A_bad_setting_stops_start_up_with_one_line_naming_it(string variable, string value, string expected)
    {
        var (exitCode, stdout, stderr) = await RunHostAsync((variable, value));

        exitCode.ShouldBe(1, stdout + stderr);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Length.ShouldBe(1, stderr);
        lines[0].ShouldContain(expected);
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunHostAsync(params (string Name, string Value)[] environment)
    {
        var workingDirectory = Directory.CreateTempSubdirectory("krakow-startup-").FullName;
        try
        {
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Krakow.Host.dll"));
            start.Environment["Platform__GrpcPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            start.Environment["Platform__WebPort"] = FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, value) in environment)
            {
                start.Environment[name] = value;
            }

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("The host did not stop on a bad setting: " + await stdout);
            }

            return (process.ExitCode, await stdout, await stderr);
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }
}
