using Microsoft.AspNetCore.Builder;

namespace Krakow.Grpc.Tests.Infrastructure;

/// <summary>The interop server on loopback: cleartext HTTP/2 on <see cref="Port"/>, gRPC-Web on <see cref="GrpcWebPort"/>.</summary>
public sealed class InteropServerFixture : IAsyncLifetime
{
    private WebApplication? app;

    public int Port { get; private set; }

    public int GrpcWebPort { get; private set; }

    public async Task InitializeAsync()
    {
        // A port the OS called free can be taken by another process before we bind it: try a few pairs.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort.Next();
            GrpcWebPort = FreePort.Next();
            app = Krakow.Grpc.InteropServer.InteropServer.Create(Port, GrpcWebPort);
            try
            {
                await app.StartAsync();
                return;
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class InteropServerCollection : ICollectionFixture<InteropServerFixture>
{
    public const string Name = "interop server";
}
