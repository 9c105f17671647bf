using Grpc.AspNetCore.Server.Internal;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server;

public static class ServerCallContextExtensions
{
    /// <summary>The HTTP request behind a server call (user, connection, features).</summary>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext) =>
        serverCallContext is HttpContextServerCallContext call
            ? call.HttpContext
            : throw new InvalidOperationException("This ServerCallContext does not belong to an ASP.NET Core request.");
}
