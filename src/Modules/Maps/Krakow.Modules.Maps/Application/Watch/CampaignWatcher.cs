using Grpc.Core;
using Krakow.BuildingBlocks.Validation;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Domain.Campaigns;
using Krakow.Modules.Maps.Domain.Listings;
using Krakow.Modules.Maps.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;

namespace Krakow.Modules.Maps.Application.Watch;

internal enum WatchEventKind
{
    Added = 1,
    Updated = 2,
    Removed = 3,

    /// <summary>The campaign's season changed: forget every listing; the new season's snapshot follows.</summary>
    Reset = 4,

    /// <summary>The client has everything up to the feed's present (after a snapshot, or after a resume's catch-up).</summary>
    Synced = 5,
}

/// <summary>
/// One message of a watch. <see cref="Listing"/> is the listing as it is now for <see cref="WatchEventKind.Added"/>
/// and <see cref="WatchEventKind.Updated"/>; <see cref="ResumeToken"/> is empty on a snapshot's events.
/// </summary>
internal sealed record WatchEvent(WatchEventKind Kind, string ListingId, Listing? Listing, int Season, DateTimeOffset ChangedAt, string ResumeToken);

/// <summary>Why a watch ended without an error.</summary>
internal enum WatchEndReason
{
    /// <summary>The campaign's plugin was removed: the watch is over for good.</summary>
    CampaignRemoved = 1,

    /// <summary>The host is shutting down: reconnect (to another instance, or later) with <see cref="WatchEnd.ResumeToken"/>.</summary>
    ShuttingDown = 2,
}

internal sealed record WatchEnd(WatchEndReason Reason, string ResumeToken);

/// <summary>
/// Watching a campaign (domain.md §1, "Export and watch"): the listings of the campaign's current season as a
/// stream of changes, resumable from a token so that a client that reconnects misses nothing.
/// </summary>
/// <remarks>
/// <para><b>Without a token</b> the watch starts with a snapshot: every listing of the current season as ADDED
/// (ordered by id; these carry no resume token, so a stream broken during the snapshot starts it again), then the
/// changes made since, then SYNCED (with a token) once it has caught up; then each change as it happens.
/// <b>With a token</b> it sends every change after the token's position, then SYNCED, then each change as it happens:
/// exactly what the client missed, read from the database. If the campaign's season changed since the token was
/// issued (a new season opened), it sends RESET and the new season's snapshot instead.</para>
/// <para><b>Changes</b> come from the listing feed, one event per feed entry of the campaign, in feed order: ADDED and
/// UPDATED carry the listing as it is when sent (two updates in a row may show the same content), and are left out
/// when the listing is gone by then (its REMOVED follows) or belongs to another season (an archived season's entry
/// edited); REMOVED carries only the id. Every change event carries a resume token: the position after it.</para>
/// <para><b>No gap, no duplicate</b>: a watch reads the feed only up to the <see cref="ListingFeedFollower.Watermark"/>,
/// below which nothing can still commit, and moves its position only past what it has read; catching up and
/// following live are the same loop, so there is no hand-over between them to get wrong. A snapshot notes the feed
/// entries its reads already reflect and skips them (if one commits in the instant between the two reads, it may be
/// sent again: a harmless repeat of the same state).</para>
/// <para><b>Memory and slow clients</b>: a watch holds at most one page (<see cref="WatchOptions.PageSize"/>) of changes
/// or listings; it reads the next page only after its client has taken the last one. A slow client therefore falls
/// behind on its own, reading from the database at its own pace; it never fills a buffer or holds up other watches,
/// so no watch ever needs to be ended for being slow (see the Api layer for a client that stops reading).</para>
/// <para><b>The end</b>: when the campaign's plugin is removed (the catalogue changes and no longer has it) the watch
/// ends cleanly; when the host shuts down (ApplicationStopping) it ends with a resume token.</para>
/// </remarks>
internal sealed class CampaignWatcher(
    MapsDbContext db,
    ICampaignCatalog catalog,
    ListingFeedFollower feed,
    WatchTokens tokens,
    WatchOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider clock)
{
    public const int MaxTokenLength = 128;

    public async Task<WatchEnd> RunAsync(string campaignId, string resumeToken, Func<WatchEvent, Task> send, CancellationToken cancellationToken)
    {
        var campaign = catalog.Find(campaignId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Campaign '{campaignId}' does not exist."));
        var signer = await tokens.ForCampaignAsync(campaignId, cancellationToken);
        WatchPosition? resume = null;
        if (resumeToken.Length > 0)
        {
            var position = default(WatchPosition);
            if (resumeToken.Length > MaxTokenLength || !signer.TryRead(resumeToken, out position))
            {
                new FieldViolations().Add("resume_token", $"is not a resume token this server issued for campaign '{campaignId}' (use one from this campaign's watch, or none)").ThrowIfAny();
            }

            resume = position;
        }

        // Every change committed before this call is below the watermark from here on: none can come after SYNCED.
        await feed.CatchUpAsync(cancellationToken);

        var catalogChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnCatalogChanged(object? sender, EventArgs e) => Volatile.Read(ref catalogChanged).TrySetResult();
        catalog.Changed += OnCatalogChanged;
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stoppingRegistration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());

        // The caller going away ends the wait below as one of its tasks: a wait abandoned any other way would leave
        // its continuation on the campaign's change signal, which a quiet campaign may never complete.
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancelledRegistration = cancellationToken.Register(() => cancelled.TrySetResult());
        try
        {
            var state = resume is { } from && from.Season == campaign.Season
                ? new State(from.Season, from.Sequence, [])
                : await SnapshotAsync(campaign, reset: resume is not null, send, cancellationToken);
            var synced = false;
            while (true)
            {
                if (lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    return new WatchEnd(WatchEndReason.ShuttingDown, signer.Issue(new WatchPosition(state.Season, state.Position)));
                }

                // Signals first, state second: a change after either read still wakes the wait below.
                var nextChange = feed.NextChangeOf(campaignId);
                var catalogChange = Volatile.Read(ref catalogChanged).Task;
                if (catalogChange.IsCompleted)
                {
                    Volatile.Write(ref catalogChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                    catalogChange = Volatile.Read(ref catalogChanged).Task;
                }

                var now = catalog.Find(campaignId);
                if (now is null)
                {
                    return new WatchEnd(WatchEndReason.CampaignRemoved, signer.Issue(new WatchPosition(state.Season, state.Position)));
                }

                if (now.Season != state.Season)
                {
                    state = await SnapshotAsync(now, reset: true, send, cancellationToken);
                    synced = false;
                    continue;
                }

                var upTo = feed.Watermark;
                var read = await SendChangesAsync(campaignId, state, upTo, signer, send, cancellationToken);
                if (read == options.PageSize)
                {
                    continue;
                }

                state.CaughtUp(upTo);
                if (!synced)
                {
                    var token = signer.Issue(new WatchPosition(state.Season, state.Position));
                    await send(new WatchEvent(WatchEventKind.Synced, string.Empty, null, state.Season, clock.GetUtcNow(), token));
                    synced = true;
                }

                await Task.WhenAny(nextChange, catalogChange, stopping.Task, cancelled.Task);
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            catalog.Changed -= OnCatalogChanged;
        }
    }

    /// <summary>Sends the campaign's feed entries after the state's position up to <paramref name="upTo"/>, one page; returns how many it read.</summary>
    private async Task<int> SendChangesAsync(string campaignId, State state, long upTo, WatchTokens.Signer signer, Func<WatchEvent, Task> send, CancellationToken cancellationToken)
    {
        var after = state.Position;
        if (after >= upTo)
        {
            return 0;
        }

        var changes = await db.ListingChanges.AsNoTracking()
            .Where(c => c.CampaignId == campaignId && c.Sequence > after && c.Sequence <= upTo)
            .OrderBy(c => c.Sequence)
            .Take(options.PageSize)
            .ToListAsync(cancellationToken);
        var ids = changes.Where(c => c.Kind != ListingChangeKind.Removed).Select(c => c.ListingId).Distinct().ToList();
        var rows = ids.Count == 0
            ? []
            : await db.Listings.AsNoTracking().Where(l => ids.Contains(l.Id)).ToDictionaryAsync(l => l.Id, StringComparer.Ordinal, cancellationToken);

        foreach (var change in changes)
        {
            state.Position = change.Sequence;
            if (state.Reflected.Remove(change.Sequence))
            {
                continue;
            }

            var token = signer.Issue(new WatchPosition(state.Season, state.Position));
            if (change.Kind == ListingChangeKind.Removed)
            {
                await send(new WatchEvent(WatchEventKind.Removed, change.ListingId, null, state.Season, change.ChangedAt, token));
            }
            else if (rows.TryGetValue(change.ListingId, out var row) && row.Season == state.Season)
            {
                var kind = change.Kind == ListingChangeKind.Added ? WatchEventKind.Added : WatchEventKind.Updated;
                await send(new WatchEvent(kind, row.Id, row, state.Season, change.ChangedAt, token));
            }
        }

        return changes.Count;
    }

    /// <summary>
    /// (RESET, then) every listing of the campaign's current season as ADDED, page by page in id order. The feed
    /// position is taken first, so every change up to it shows in the rows read; the campaign's entries already past
    /// it are noted before the rows are read, so that reading the feed on from the position skips them. An entry that
    /// commits while the pages are read is in the feed after the noted ones, so it is sent (again, at worst).
    /// </summary>
    private async Task<State> SnapshotAsync(CampaignSnapshot campaign, bool reset, Func<WatchEvent, Task> send, CancellationToken cancellationToken)
    {
        if (reset)
        {
            await send(new WatchEvent(WatchEventKind.Reset, string.Empty, null, campaign.Season, clock.GetUtcNow(), string.Empty));
        }

        var position = feed.Watermark;
        var reflected = await db.ListingChanges.AsNoTracking()
            .Where(c => c.CampaignId == campaign.Id && c.Sequence > position)
            .Select(c => c.Sequence)
            .ToListAsync(cancellationToken);

        string? after = null;
        while (true)
        {
            var query = db.Listings.AsNoTracking().Where(l => l.CampaignId == campaign.Id && l.Season == campaign.Season);
            if (after is not null)
            {
                query = query.Where(l => string.Compare(l.Id, after) > 0);
            }

            var page = await query.OrderBy(l => l.Id).Take(options.PageSize).ToListAsync(cancellationToken);
            foreach (var row in page)
            {
                await send(new WatchEvent(WatchEventKind.Added, row.Id, row, campaign.Season, row.UpdatedAt, string.Empty));
            }

            if (page.Count < options.PageSize)
            {
                return new State(campaign.Season, position, [.. reflected]);
            }

            after = page[^1].Id;
        }
    }

    /// <summary>The season followed, the feed position the client has everything up to, and the entries past it already in its snapshot.</summary>
    private sealed class State(int season, long position, HashSet<long> reflected)
    {
        public int Season { get; } = season;

        public long Position { get; set; } = position;

        public HashSet<long> Reflected { get; } = reflected;

        /// <summary>Every entry of the campaign up to <paramref name="upTo"/> has been read.</summary>
        public void CaughtUp(long upTo)
        {
            Position = Math.Max(Position, upTo);
            Reflected.RemoveWhere(sequence => sequence <= Position);
        }
    }
}
