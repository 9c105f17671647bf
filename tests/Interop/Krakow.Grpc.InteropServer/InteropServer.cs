using Grpc.AspNetCore.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Krakow.Grpc.InteropServer;

/// <summary>Builds the interop server: cleartext HTTP/2 on one port and, optionally, gRPC-Web on HTTP/1.1+2 on another.</summary>
public static class InteropServer
{
    public static WebApplication Create(int port, int? grpcWebPort = null, Action<ILoggingBuilder>? logging = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(System.Net.IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            if (grpcWebPort is { } webPort)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, webPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }
        });
        builder.Services.AddGrpc();
        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy => policy
            .AllowAnyOrigin()
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders("grpc-status", "grpc-message", "grpc-status-details-bin", "grpc-encoding", "grpc-accept-encoding", "x-grpc-test-echo-initial", "x-grpc-test-echo-trailing-bin")));

        var app = builder.Build();
        app.UseCors();
        app.UseGrpcWeb(new GrpcWebOptions { DefaultEnabled = true });
        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcService<UnimplementedServiceImpl>();
        return app;
    }
}
