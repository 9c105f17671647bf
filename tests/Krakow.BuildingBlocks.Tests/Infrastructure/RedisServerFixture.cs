using Krakow.Tests.Shared;

namespace Krakow.BuildingBlocks.Tests.Infrastructure;

/// <summary>One redis-server shared by a test class whose tests never stop it (each test uses its own keys/prefix).</summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("redis-server was not started");

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
