namespace Grpc.AspNetCore.Web;

public class GrpcWebOptions
{
    /// <summary>Accepts gRPC-Web on every gRPC endpoint, not only those marked with <c>EnableGrpcWeb()</c>. Default false.</summary>
    public bool DefaultEnabled { get; set; }
}

/// <summary>Endpoint metadata saying whether the endpoint accepts gRPC-Web.</summary>
public interface IGrpcWebEnabledMetadata
{
    bool GrpcWebEnabled { get; }
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class EnableGrpcWebAttribute : Attribute, IGrpcWebEnabledMetadata
{
    public bool GrpcWebEnabled => true;
}

[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class DisableGrpcWebAttribute : Attribute, IGrpcWebEnabledMetadata
{
    public bool GrpcWebEnabled => false;
}
