using Microsoft.AspNetCore.Builder;

namespace Krakow.Grpc.Tests.Infrastructure;

/// <summary>The interop server on loopback: cleartext HTTP/2 on <see cref="Port"/>, gRPC-Web on <see cref="GrpcWebPort"/>.</summary>
public sealed class InteropServerFixture : IAsyncLifetime
{
    private WebApplication? app;

    public int Port { get; } = FreePort.Next();

    public int GrpcWebPort { get; } = FreePort.Next();

    public async Task InitializeAsync()
    {
        app = Krakow.Grpc.InteropServer.InteropServer.Create(Port, GrpcWebPort);
        await app.StartAsync();
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
