using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Builder;

namespace Grpc.AspNetCore.Server;

/// <summary>Applies endpoint conventions (authorization, CORS, rate limiting, gRPC-Web) to every method of a service.</summary>
public sealed class GrpcServiceEndpointConventionBuilder : IEndpointConventionBuilder, IDisposable
{
    private readonly GrpcEndpointDataSource.ServiceRegistration registration;

    internal GrpcServiceEndpointConventionBuilder(GrpcEndpointDataSource.ServiceRegistration registration) => this.registration = registration;

    public void Add(Action<EndpointBuilder> convention) => registration.AddConvention(convention, runLast: false);

    public void Finally(Action<EndpointBuilder> finallyConvention) => registration.AddConvention(finallyConvention, runLast: true);

    /// <summary>Removes the service's endpoints while the host runs; later calls answer UNIMPLEMENTED.</summary>
    public void Dispose() => registration.Dispose();
}
