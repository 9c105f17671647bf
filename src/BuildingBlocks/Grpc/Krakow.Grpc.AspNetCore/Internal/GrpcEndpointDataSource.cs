using Grpc.AspNetCore.Web;
using Grpc.AspNetCore.Web.Internal;
using Grpc.Core;
using Grpc.Net.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The endpoints of every mapped gRPC service. The set can change while the host runs (plugins add and remove
/// services), so it is a data source with a change token rather than endpoints fixed at start-up. Unknown
/// services and methods of known services are answered UNIMPLEMENTED by fallback endpoints.
/// </summary>
internal sealed class GrpcEndpointDataSource(IOptions<GrpcServiceOptions> options) : EndpointDataSource
{
    private readonly object gate = new();
    private readonly List<ServiceRegistration> services = [];
    private IReadOnlyList<Endpoint>? endpoints;
    private CancellationTokenSource changeSource = new();

    public override IReadOnlyList<Endpoint> Endpoints
    {
        get
        {
            lock (gate)
            {
                return endpoints ??= BuildEndpoints();
            }
        }
    }

    public override IChangeToken GetChangeToken()
    {
        lock (gate)
        {
            return new CancellationChangeToken(changeSource.Token);
        }
    }

    /// <summary>Adds a service's methods; disposing the result removes them again.</summary>
    public ServiceRegistration Add(string serviceName, IReadOnlyList<ServiceMethodEndpoint> methods)
    {
        var registration = new ServiceRegistration(this, serviceName, methods);
        lock (gate)
        {
            if (services.Any(s => s.Methods.Any(m => methods.Any(n => n.Method.FullName == m.Method.FullName))))
            {
                throw new InvalidOperationException($"A gRPC service named '{serviceName}' is already mapped.");
            }

            services.Add(registration);
        }

        Changed();
        return registration;
    }

    internal void Remove(ServiceRegistration registration)
    {
        lock (gate)
        {
            if (!services.Remove(registration))
            {
                return;
            }
        }

        Changed();
    }

    internal void Changed()
    {
        CancellationTokenSource previous;
        lock (gate)
        {
            endpoints = null;
            previous = changeSource;
            changeSource = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
    }

    private List<Endpoint> BuildEndpoints()
    {
        var built = new List<Endpoint>();
        foreach (var service in services)
        {
            foreach (var method in service.Methods)
            {
                var builder = new RouteEndpointBuilder(method.RequestDelegate, RoutePatternFactory.Parse(method.Method.FullName), order: 0)
                {
                    DisplayName = $"gRPC - {method.Method.FullName}",
                };
                foreach (var item in method.Metadata)
                {
                    builder.Metadata.Add(item);
                }

                builder.Metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
                service.ApplyConventions(builder);
                built.Add(builder.Build());
            }

            built.Add(Unimplemented($"/{service.ServiceName}/{{unimplementedMethod}}", "Method is unimplemented.", service.ServiceName));
        }

        if (!options.Value.IgnoreUnknownServices && services.Count > 0)
        {
            built.Add(Unimplemented("/{unimplementedService}/{unimplementedMethod}", "Service is unimplemented.", "unknown service"));
        }

        return built;
    }

    private static RouteEndpoint Unimplemented(string pattern, string message, string displayName)
    {
        var builder = new RouteEndpointBuilder(context => WriteUnimplementedAsync(context, message), RoutePatternFactory.Parse(pattern), order: int.MaxValue)
        {
            DisplayName = $"gRPC - unimplemented method of {displayName}",
        };
        builder.Metadata.Add(new HttpMethodMetadata(["POST"], acceptCorsPreflight: true));
        builder.Metadata.Add(new EnableGrpcWebAttribute());
        return (RouteEndpoint)builder.Build();
    }

    private static Task WriteUnimplementedAsync(HttpContext context, string message)
    {
        var grpcWeb = context.Features.Get<GrpcWebFeature>();
        if (grpcWeb is null && !GrpcProtocol.IsGrpcContentType(context.Request.ContentType))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        context.Response.ContentType = grpcWeb?.ResponseContentType ?? GrpcProtocol.ContentType;
        context.Response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Response.Headers[GrpcProtocol.MessageHeader] = message;
        return Task.CompletedTask;
    }

    /// <summary>One mapped service; conventions added to it apply to each of its method endpoints.</summary>
    internal sealed class ServiceRegistration(GrpcEndpointDataSource owner, string serviceName, IReadOnlyList<ServiceMethodEndpoint> methods) : IDisposable
    {
        private readonly List<Action<EndpointBuilder>> conventions = [];
        private readonly List<Action<EndpointBuilder>> finallyConventions = [];

        public string ServiceName { get; } = serviceName;

        public IReadOnlyList<ServiceMethodEndpoint> Methods { get; } = methods;

        public void AddConvention(Action<EndpointBuilder> convention, bool runLast)
        {
            lock (owner.gate)
            {
                (runLast ? finallyConventions : conventions).Add(convention);
            }

            owner.Changed();
        }

        public void ApplyConventions(EndpointBuilder builder)
        {
            conventions.ForEach(c => c(builder));
            finallyConventions.ForEach(c => c(builder));
        }

        public void Dispose() => owner.Remove(this);
    }
}
