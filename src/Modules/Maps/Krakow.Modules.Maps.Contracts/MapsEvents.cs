using Krakow.BuildingBlocks.Contracts.Events;

namespace Krakow.Modules.Maps.Contracts;

/// <summary>An application was approved: the business is on the live map of its campaign (and cross-listed ones).</summary>
public sealed record ApplicationApproved(string ApplicationId, string CampaignId, IReadOnlyList<string> ListedOn) : IntegrationEvent;
