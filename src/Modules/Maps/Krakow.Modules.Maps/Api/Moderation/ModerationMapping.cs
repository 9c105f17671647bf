using Google.Protobuf.WellKnownTypes;
using Krakow.Modules.Maps.Domain.Moderation;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Moderation;

internal static class ModerationMapping
{
    public static V1.Decision ToProto(this ModerationDecision decision) => new()
    {
        ApplicationId = decision.ApplicationId,
        Kind = decision.Kind switch
        {
            DecisionKind.Approved => V1.DecisionKind.Approved,
            DecisionKind.Rejected => V1.DecisionKind.Rejected,
            _ => V1.DecisionKind.ChangesRequested,
        },
        Reason = (V1.RejectionReason)(int)decision.Reason,
        Comment = decision.Comment,
        DecidedBy = decision.DecidedBy,
        DecidedAt = Timestamp.FromDateTime(decision.DecidedAt),
    };

    /// <summary>The public reason codes are numbered as the module's.</summary>
    public static RejectionReason ToDomain(this V1.RejectionReason reason) => (RejectionReason)(int)reason;
}
