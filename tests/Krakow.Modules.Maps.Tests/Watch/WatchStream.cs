using System.Threading.Channels;
using Grpc.Core;
using Krakow.Maps.V1;

namespace Krakow.Modules.Maps.Tests.Watch;

/// <summary>
/// A partner's watch of a campaign: a pump reads the server stream into a queue (so a test can wait for the next
/// event, or for none, without cancelling the call), and keeps how the call ended.
/// </summary>
internal sealed class WatchStream : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<ListingEvent> call;
    private readonly CancellationTokenSource cancel = new();
    private readonly Channel<ListingEvent> events = Channel.CreateUnbounded<ListingEvent>();
    private readonly Task pump;

    private WatchStream(AsyncServerStreamingCall<ListingEvent> call)
    {
        this.call = call;
        pump = PumpAsync();
    }

    /// <summary>Null while the call runs; then the RpcException it ended with, or null for OK (see <see cref="Trailers"/>).</summary>
    public RpcException? Error { get; private set; }

    public Task Completion => pump;

    public Status Status => call.GetStatus();

    public Metadata Trailers => call.GetTrailers();

    public static WatchStream Open(ChannelBase channel, string campaignId, string resumeToken = "", CallOptions callOptions = default) =>
        new(new CampaignWatch.CampaignWatchClient(channel).WatchCampaign(new WatchCampaignRequest { CampaignId = campaignId, ResumeToken = resumeToken }, callOptions));

    /// <summary>The next event; fails when none comes within <paramref name="timeout"/> (default 15 s) or the call ended.</summary>
    public async Task<ListingEvent> NextAsync(TimeSpan? timeout = null)
    {
        using var wait = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        try
        {
            if (await events.Reader.WaitToReadAsync(wait.Token) && events.Reader.TryRead(out var next))
            {
                return next;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No watch event within {timeout ?? TimeSpan.FromSeconds(15)}.");
        }

        throw new InvalidOperationException($"The watch ended ({Error?.Status.ToString() ?? "OK"}) without another event.");
    }

    /// <summary>Every event up to and including the next SYNCED.</summary>
    public async Task<List<ListingEvent>> UntilSyncedAsync()
    {
        var received = new List<ListingEvent>();
        while (true)
        {
            var next = await NextAsync();
            received.Add(next);
            if (next.Kind == ListingEventKind.Synced)
            {
                return received;
            }
        }
    }

    /// <summary>Whether an event arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> AnyWithinAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await events.Reader.WaitToReadAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for the server to end the call (within 20 s).</summary>
    public async Task EndedAsync() => await pump.WaitAsync(TimeSpan.FromSeconds(20));

    public async ValueTask DisposeAsync()
    {
        await cancel.CancelAsync();
        try
        {
            await pump.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        call.Dispose();
        cancel.Dispose();
    }

    private async Task PumpAsync()
    {
        try
        {
            while (await call.ResponseStream.MoveNext(cancel.Token))
            {
                await events.Writer.WriteAsync(call.ResponseStream.Current);
            }
        }
        catch (RpcException ex)
        {
            Error = ex;
        }
        catch (OperationCanceledException)
        {
            Error = new RpcException(new Status(StatusCode.Cancelled, "cancelled by the test"));
        }
        finally
        {
            events.Writer.TryComplete();
        }
    }
}
