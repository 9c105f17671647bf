using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Krakow.Host.Configuration;

/// <summary>
/// Kestrel serves cleartext HTTP/2 only on an HTTP/2-only port (there is no ALPN without TLS), so without a
/// certificate there are two ports: gRPC on HTTP/2, and gRPC-Web and pages on HTTP/1.1. With a
/// certificate one TLS port serves everything, ALPN choosing the protocol.
/// </summary>
internal static class KestrelSetup
{
    public static void Configure(KestrelServerOptions kestrel, PlatformOptions platform)
    {
        kestrel.AddServerHeader = false;

        // gRPC metadata is headers: keep the total small, as a defence against oversized metadata.
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = 16 * 1024;

        // A watch or a health Watch may send nothing for hours; without pings a peer that vanished without closing
        // (a NAT timeout, a pulled cable) would keep its streams, and what they hold, until the next restart.
        kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromMinutes(1);
        kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
        var address = platform.ParsedListenAddress;
        if (platform.UsesTls)
        {
            kestrel.Listen(address, platform.TlsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(platform.CertificatePath!, platform.CertificatePassword);
            });
            return;
        }

        kestrel.Listen(address, platform.GrpcPort, listen => listen.Protocols = HttpProtocols.Http2);
        kestrel.Listen(address, platform.WebPort, listen => listen.Protocols = HttpProtocols.Http1);
    }
}
