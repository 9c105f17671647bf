using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Application.Watch;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Logging;
using V1 = Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Api.Watch;

/// <summary>
/// krakow.maps.v1.CampaignWatch: partner portals follow a campaign's listings (<see cref="CampaignWatcher"/>).
/// Anonymous: it streams what the public map and export already show, and a partner key adds nothing to protect.
/// </summary>
/// <remarks>
/// Endings: the campaign's plugin removed ⇒ OK with the trailer <c>krakow-watch-end: campaign-removed</c> (the end is
/// final: calling again is NOT_FOUND, so a client should stop rather than retry); the host shutting down ⇒
/// UNAVAILABLE (the status clients retry on) with the trailer <c>krakow-resume-token</c>. A client that has not taken
/// a message for <see cref="WatchOptions.StallTimeout"/> has its HTTP/2 stream reset: it is not reading, so no status
/// could reach it anyway, and it resumes from the last token it got. Being slow otherwise costs nothing but its own
/// lag: a watch reads the next page only when its client has taken the last one.
/// </remarks>
internal sealed partial class CampaignWatchService(CampaignWatcher watcher, WatchOptions options, ILogger<CampaignWatchService> logger)
    : V1.CampaignWatch.CampaignWatchBase
{
    public const string EndTrailer = "krakow-watch-end";
    public const string ResumeTokenTrailer = "krakow-resume-token";

    [EnableRateLimiting(RateLimitPolicies.Streams)]
    public override async Task WatchCampaign(V1.WatchCampaignRequest request, IServerStreamWriter<V1.ListingEvent> responseStream, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.CampaignId, "campaign_id");
        violations.ThrowIfAny();

        var http = context.GetHttpContext();
        var end = await watcher.RunAsync(
            request.CampaignId,
            request.ResumeToken,
            change => WriteAsync(responseStream, ToProto(change), http, request.CampaignId),
            context.CancellationToken);

        if (end.Reason == WatchEndReason.ShuttingDown)
        {
            throw new RpcException(
                new Status(StatusCode.Unavailable, "The server is shutting down; call again with the resume token (trailer krakow-resume-token)."),
                new Metadata { { ResumeTokenTrailer, end.ResumeToken } });
        }

        context.ResponseTrailers.Add(EndTrailer, "campaign-removed");
        context.Status = new Status(StatusCode.OK, $"Campaign '{request.CampaignId}' was removed (its plugin was unloaded); the watch is over.");
    }

    /// <summary>Writes one event; a client that takes nothing for the stall timeout is cut off.</summary>
    private async Task WriteAsync(IServerStreamWriter<V1.ListingEvent> stream, V1.ListingEvent message, Microsoft.AspNetCore.Http.HttpContext http, string campaignId)
    {
        var write = stream.WriteAsync(message);
        try
        {
            await write.WaitAsync(options.StallTimeout);
        }
        catch (TimeoutException)
        {
            LogStalled(campaignId, options.StallTimeout);
            _ = write.ContinueWith(static t => t.Exception, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously);
            http.Abort();
            throw new RpcException(new Status(StatusCode.ResourceExhausted, "The client took no message for too long; the watch was cut off. Resume with the last token."));
        }
    }

    private static V1.ListingEvent ToProto(WatchEvent change)
    {
        var message = new V1.ListingEvent
        {
            Kind = change.Kind switch
            {
                WatchEventKind.Added => V1.ListingEventKind.Added,
                WatchEventKind.Updated => V1.ListingEventKind.Updated,
                WatchEventKind.Removed => V1.ListingEventKind.Removed,
                WatchEventKind.Reset => V1.ListingEventKind.Reset,
                WatchEventKind.Synced => V1.ListingEventKind.Synced,
                _ => V1.ListingEventKind.Unspecified,
            },
            ListingId = change.ListingId,
            ResumeToken = change.ResumeToken,
            Season = change.Season,
            ChangedAt = Timestamp.FromDateTimeOffset(change.ChangedAt),
        };
        if (change.Listing is { } row)
        {
            message.Listing = ListingMessages.ToProto(row);
        }

        return message;
    }

    [LoggerMessage(1, LogLevel.Warning, "A watch of campaign {CampaignId} was cut off: its client took no message for {StallTimeout}")]
    private partial void LogStalled(string campaignId, TimeSpan stallTimeout);
}
