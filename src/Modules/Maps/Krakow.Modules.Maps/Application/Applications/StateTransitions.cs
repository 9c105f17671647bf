using Grpc.Core;
using Krakow.Modules.Maps.Domain.Applications;

namespace Krakow.Modules.Maps.Application.Applications;

/// <summary>Runs a change of an application's status; a change the current status forbids is FAILED_PRECONDITION, naming that status.</summary>
internal static class StateTransitions
{
    public static void Apply(Action change)
    {
        try
        {
            change();
        }
        catch (ApplicationStateException ex)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, ex.Message));
        }
    }
}
