using System.Net;
using Krakow.BuildingBlocks.Configuration;

namespace Krakow.Host.Configuration;

/// <summary>The host's own settings (section <c>Platform</c>), checked before anything starts.</summary>
public sealed class PlatformOptions
{
    public const string SectionName = "Platform";

    /// <summary>The address to listen on; loopback by default, "0.0.0.0" or "::" behind a load balancer.</summary>
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Cleartext HTTP/2 only: gRPC from partner municipalities and portals.</summary>
    public int GrpcPort { get; set; } = 5100;

    /// <summary>HTTP/1.1: gRPC-Web for browsers, offer images, health pages (HTTP/2 too when TLS is on).</summary>
    public int WebPort { get; set; } = 5101;

    /// <summary>When set, one TLS port (<see cref="TlsPort"/>) serves everything and the cleartext ports are closed.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }

    public int TlsPort { get; set; } = 5443;

    /// <summary>How long shutdown waits for in-flight calls to finish.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;

    /// <summary>Origins allowed to call gRPC-Web from a browser; empty means any origin (the API is public).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>
    /// Addresses of the reverse proxies in front of the platform, whose <c>X-Forwarded-For</c> names the real caller
    /// (rate limits count calls per caller address). Empty: the header is ignored, so no caller can choose its address.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    public IPAddress ParsedListenAddress => IPAddress.Parse(ListenAddress);

    public bool UsesTls => !string.IsNullOrWhiteSpace(CertificatePath);

    /// <summary>Throws <see cref="PlatformConfigurationException"/> naming the first bad key.</summary>
    public void Validate()
    {
        if (!IPAddress.TryParse(ListenAddress, out _))
        {
            throw new PlatformConfigurationException($"{SectionName}:ListenAddress", $"must be an IP address, not '{ListenAddress}'");
        }

        CheckPort(nameof(GrpcPort), GrpcPort);
        CheckPort(nameof(WebPort), WebPort);
        CheckPort(nameof(TlsPort), TlsPort);
        if (!UsesTls && GrpcPort == WebPort)
        {
            throw new PlatformConfigurationException($"{SectionName}:WebPort", $"must differ from {SectionName}:GrpcPort ({GrpcPort})");
        }

        if (UsesTls && !File.Exists(CertificatePath))
        {
            throw new PlatformConfigurationException($"{SectionName}:CertificatePath", $"names no file: '{CertificatePath}'");
        }

        if (ShutdownTimeoutSeconds is < 0 or > 3600)
        {
            throw new PlatformConfigurationException($"{SectionName}:ShutdownTimeoutSeconds", $"must be between 0 and 3600, not {ShutdownTimeoutSeconds}");
        }

        for (var i = 0; i < TrustedProxies.Count; i++)
        {
            if (!IPAddress.TryParse(TrustedProxies[i], out _))
            {
                throw new PlatformConfigurationException($"{SectionName}:{nameof(TrustedProxies)}:{i}", $"must be an IP address, not '{TrustedProxies[i]}'");
            }
        }

        foreach (var origin in AllowedOrigins)
        {
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                throw new PlatformConfigurationException($"{SectionName}:AllowedOrigins", $"must hold http(s) origins, not '{origin}'");
            }
        }
    }

    private static void CheckPort(string name, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new PlatformConfigurationException($"{SectionName}:{name}", $"must be a port from 1 to 65535, not {port}");
        }
    }
}
