using Google.Rpc;
using Grpc.Core;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

internal static class RpcErrors
{
    /// <summary>The fields a google.rpc.BadRequest in the error names, in order.</summary>
    public static IReadOnlyList<string> FieldsOf(RpcException error) =>
        ViolationsOf(error).Select(v => v.Field).ToList();

    public static IReadOnlyList<BadRequest.Types.FieldViolation> ViolationsOf(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<BadRequest>()?.FieldViolations.ToList() ?? [];

    public static string DescriptionOf(RpcException error, string field) =>
        ViolationsOf(error).First(v => v.Field == field).Description;
}
