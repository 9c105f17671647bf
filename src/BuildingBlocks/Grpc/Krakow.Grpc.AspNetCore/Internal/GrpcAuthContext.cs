using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The peer's identity as gRPC names it: from the TLS client certificate, if the client sent one.</summary>
internal static class GrpcAuthContext
{
    private static readonly AuthContext Unauthenticated = new(null, []);

    public static AuthContext From(HttpContext httpContext)
    {
        var certificate = httpContext.Connection.ClientCertificate;
        if (certificate is null)
        {
            return Unauthenticated;
        }

        var properties = new Dictionary<string, List<AuthProperty>>
        {
            ["transport_security_type"] = [Property("transport_security_type", "ssl")],
            ["x509_common_name"] = [Property("x509_common_name", certificate.GetNameInfo(System.Security.Cryptography.X509Certificates.X509NameType.SimpleName, false))],
        };
        return new AuthContext("x509_common_name", properties);
    }

    private static AuthProperty Property(string name, string value) => new(name, System.Text.Encoding.UTF8.GetBytes(value));
}
