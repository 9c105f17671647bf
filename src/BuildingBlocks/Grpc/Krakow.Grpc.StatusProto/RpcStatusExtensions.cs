using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;

namespace Grpc.Core;

/// <summary>
/// Carries a <c>google.rpc.Status</c> (code, message and typed details such as <c>google.rpc.BadRequest</c>) in
/// the <c>grpc-status-details-bin</c> trailer, as the gRPC error model describes.
/// </summary>
public static class RpcStatusExtensions
{
    public const string StatusDetailsTrailerName = "grpc-status-details-bin";

    /// <summary>An exception whose status and trailer both come from <paramref name="status"/>.</summary>
    public static RpcException ToRpcException(this Google.Rpc.Status status, Metadata? trailers = null)
    {
        ArgumentNullException.ThrowIfNull(status);
        var allTrailers = new Metadata();
        foreach (var entry in trailers ?? [])
        {
            allTrailers.Add(entry);
        }

        allTrailers.Add(StatusDetailsTrailerName, status.ToByteArray());
        return new RpcException(new Status((StatusCode)status.Code, status.Message), allTrailers);
    }

    /// <summary>A <c>google.rpc.Status</c> with one detail message packed into it.</summary>
    public static Google.Rpc.Status CreateRpcStatus(StatusCode code, string message, params IMessage[] details)
    {
        var status = new Google.Rpc.Status { Code = (int)code, Message = message };
        foreach (var detail in details)
        {
            status.Details.Add(Any.Pack(detail));
        }

        return status;
    }

    /// <summary>The rich status from the trailers, or null when there is none or it cannot be parsed.</summary>
    public static Google.Rpc.Status? GetRpcStatus(this RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var bytes = exception.Trailers.GetValueBytes(StatusDetailsTrailerName);
        if (bytes is null)
        {
            return null;
        }

        try
        {
            return Google.Rpc.Status.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException)
        {
            return null;
        }
    }

    /// <summary>The first detail of type <typeparamref name="T"/>, or null.</summary>
    public static T? GetDetail<T>(this Google.Rpc.Status status)
        where T : class, IMessage<T>, new()
    {
        ArgumentNullException.ThrowIfNull(status);
        var descriptor = new T().Descriptor;
        foreach (var any in status.Details)
        {
            if (any.Is(descriptor))
            {
                return any.Unpack<T>();
            }
        }

        return null;
    }
}
