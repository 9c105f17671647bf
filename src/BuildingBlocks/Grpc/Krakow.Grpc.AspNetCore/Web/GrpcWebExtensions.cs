using Grpc.AspNetCore.Web;
using Grpc.AspNetCore.Web.Internal;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcWebApplicationBuilderExtensions
{
    /// <summary>Translates gRPC-Web requests (binary and text) for gRPC endpoints; place after routing, before endpoints.</summary>
    public static IApplicationBuilder UseGrpcWeb(this IApplicationBuilder builder, GrpcWebOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseMiddleware<GrpcWebMiddleware>(options ?? new GrpcWebOptions());
    }
}

public static class GrpcWebEndpointConventionBuilderExtensions
{
    /// <summary>Accepts gRPC-Web calls on these endpoints.</summary>
    public static TBuilder EnableGrpcWeb<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Add(endpoint => endpoint.Metadata.Add(new EnableGrpcWebAttribute()));
        return builder;
    }
}
