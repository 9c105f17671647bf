using Krakow.BuildingBlocks.Configuration;
using Krakow.BuildingBlocks.Persistence;

namespace Krakow.Host;

/// <summary>One line that explains why the platform could not start, instead of a bare stack trace.</summary>
internal static class StartupFailure
{
    public static string? Describe(Exception exception) => exception switch
    {
        PlatformConfigurationException config => config.Message,
        DatabaseConfigurationException database => database.Message,
        Microsoft.Extensions.Options.OptionsValidationException options => "Configuration error: " + string.Join("; ", options.Failures),
        System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.AddressAlreadyInUse } socket =>
            "Start-up failed: a configured port is already in use (" + socket.Message + "). Set Platform:GrpcPort / Platform:WebPort.",
        IOException { InnerException: System.Net.Sockets.SocketException } io => "Start-up failed: " + io.Message,
        Npgsql.NpgsqlException npgsql => "Start-up failed: PostgreSQL (ConnectionStrings:Platform) is unreachable or refused us: " + npgsql.Message,
        Microsoft.Data.Sqlite.SqliteException sqlite => "Start-up failed: the SQLite database (Platform:DataDirectory) cannot be used: " + sqlite.Message,
        _ => null,
    };
}
