using Grpc.HealthCheck;
using Microsoft.Extensions.Hosting;

namespace Grpc.AspNetCore.HealthChecks.Internal;

/// <summary>When the host starts stopping, reports every service NOT_SERVING and ends the Watch calls.</summary>
internal sealed class GrpcHealthChecksShutdown(HealthServiceImpl service, HealthCheckStatusSource source, IHostApplicationLifetime lifetime)
    : IHostedService
{
    private CancellationTokenRegistration registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        registration = lifetime.ApplicationStopping.Register(
            () => service.EnterShutdown(source.KnownServices(), source.CompleteWatchesOnShutdown));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        registration.Dispose();
        return Task.CompletedTask;
    }
}
