using Grpc.AspNetCore.Web;
using Grpc.AspNetCore.Web.Internal;
using Grpc.Core;
using Grpc.Net.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Matching;
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

    // What readers see: the services as of the last published change. Changes made while deferred stay in
    // services until the outermost deferral ends, then are published as one.
    private ServiceRegistration[] published = [];
    private IReadOnlyList<Endpoint>? endpoints;
    private CancellationTokenSource changeSource = new();
    private int deferrals;
    private bool changePending;

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
            if (services.Any(s => string.Equals(s.ServiceName, serviceName, StringComparison.OrdinalIgnoreCase)
                || s.Methods.Any(m => methods.Any(n => n.Method.FullName == m.Method.FullName))))
            {
                throw new InvalidOperationException($"A gRPC service named '{serviceName}' is already mapped.");
            }

            services.Add(registration);
        }

        Changed();
        return registration;
    }

    /// <summary>
    /// Holds back publishing until the result is disposed: the services added and removed meanwhile become visible
    /// together, in one change (a service replaced by another of the same name is never seen missing). Nestable.
    /// </summary>
    public IDisposable DeferChanges()
    {
        lock (gate)
        {
            deferrals++;
        }

        return new Deferral(this);
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
            if (deferrals > 0)
            {
                changePending = true;
                return;
            }

            changePending = false;
            published = [.. services];
            endpoints = null;
            previous = changeSource;
            changeSource = new CancellationTokenSource();
        }

        previous.Cancel();
        previous.Dispose();
    }

    private void EndDeferral()
    {
        bool publish;
        lock (gate)
        {
            deferrals--;
            publish = deferrals == 0 && changePending;
        }

        if (publish)
        {
            Changed();
        }
    }

    private List<Endpoint> BuildEndpoints()
    {
        var built = new List<Endpoint>();
        var serviceNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var service in published)
        {
            var methodNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
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
                methodNames.Add(method.Method.Name);
            }

            serviceNames.Add(service.ServiceName);
            built.Add(Unimplemented($"/{service.ServiceName}/{{unimplementedMethod}}", "unimplementedMethod", methodNames, "Method is unimplemented.", service.ServiceName));
        }

        if (!options.Value.IgnoreUnknownServices && published.Length > 0)
        {
            built.Add(Unimplemented("/{unimplementedService}/{unimplementedMethod}", "unimplementedService", serviceNames, "Service is unimplemented.", "unknown service"));
        }

        return built;
    }

    private static RouteEndpoint Unimplemented(string pattern, string parameter, IReadOnlySet<string> mappedNames, string message, string displayName)
    {
        var policies = new RouteValueDictionary { [parameter] = new NotMappedNameConstraint(mappedNames) };
        var builder = new RouteEndpointBuilder(context => WriteUnimplementedAsync(context, message), RoutePatternFactory.Parse(pattern, defaults: null, parameterPolicies: policies), order: int.MaxValue)
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

    /// <summary>
    /// The parameter of an unimplemented fallback route. It accepts any segment when matching, but tells the DFA
    /// matcher's builder that it never stands for a mapped name, so the path of a mapped method leads to that
    /// method's endpoint alone: no second candidate whose route values would be captured on every call.
    /// </summary>
    private sealed class NotMappedNameConstraint(IReadOnlySet<string> mappedNames) : IRouteConstraint, IParameterLiteralNodeMatchingPolicy
    {
        public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) => true;

        public bool MatchesLiteral(string parameterName, string literal) => !mappedNames.Contains(literal);
    }

    private sealed class Deferral(GrpcEndpointDataSource owner) : IDisposable
    {
        private int disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref disposed, 1) == 0)
            {
                owner.EndDeferral();
            }
        }
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
