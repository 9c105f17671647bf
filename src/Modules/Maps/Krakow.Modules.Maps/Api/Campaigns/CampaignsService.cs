using Grpc.Core;
using Krakow.BuildingBlocks.Validation;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Campaigns;

/// <summary>krakow.maps.v1.Campaigns: the map campaigns the loaded plugins provide. Public and anonymous.</summary>
internal sealed class CampaignsService(CampaignListCache campaigns, TimeProvider clock) : V1.Campaigns.CampaignsBase
{
    /// <summary>Open and upcoming campaigns; with include_archive also closed and archived ones.</summary>
    public override async Task<V1.ListCampaignsResponse> ListCampaigns(V1.ListCampaignsRequest request, ServerCallContext context)
    {
        var now = clock.GetUtcNow();
        var response = new V1.ListCampaignsResponse();
        foreach (var campaign in await campaigns.GetAsync(context.CancellationToken))
        {
            var status = CampaignMapping.StatusAt(campaign, now);
            if (request.IncludeArchive || status is V1.CampaignStatus.Open or V1.CampaignStatus.Upcoming)
            {
                response.Campaigns.Add(WithStatus(campaign, status));
            }
        }

        return response;
    }

    /// <summary>The campaign's current season, whatever its status; NOT_FOUND for an unknown id.</summary>
    public override async Task<V1.Campaign> GetCampaign(V1.GetCampaignRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.CampaignId, "campaign_id");
        violations.ThrowIfAny();

        var campaign = (await campaigns.GetAsync(context.CancellationToken)).FirstOrDefault(c => c.Id == request.CampaignId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Campaign '{request.CampaignId}' does not exist."));
        return WithStatus(campaign, CampaignMapping.StatusAt(campaign, clock.GetUtcNow()));
    }

    private static V1.Campaign WithStatus(V1.Campaign campaign, V1.CampaignStatus status)
    {
        var shown = campaign.Clone();
        shown.Status = status;
        return shown;
    }
}
