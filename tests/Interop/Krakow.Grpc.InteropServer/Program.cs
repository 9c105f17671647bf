using Microsoft.Extensions.Logging;
using Krakow.Grpc.InteropServer;

// Usage: Krakow.Grpc.InteropServer --port N [--grpc_web_port M]
var port = ReadIntArgument(args, "--port") ?? throw new ArgumentException("--port N is required.");
var grpcWebPort = ReadIntArgument(args, "--grpc_web_port");
var app = InteropServer.Create(port, grpcWebPort, logging => logging.AddSimpleConsole());
await app.RunAsync();

static int? ReadIntArgument(string[] args, string name)
{
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i] == name && i + 1 < args.Length)
        {
            return int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture);
        }

        if (args[i].StartsWith(name + "=", StringComparison.Ordinal))
        {
            return int.Parse(args[i][(name.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    return null;
}
