using System.Threading.Channels;
using Grpc.AspNetCore.HealthChecks.Internal;
using Grpc.Core;
using Grpc.Health.V1;
using HealthBase = Grpc.Health.V1.Health.HealthBase;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.HealthCheck;

/// <summary>
/// The <c>grpc.health.v1.Health</c> service: a table of service name → serving status, answered by
/// <c>Check</c> and streamed by <c>Watch</c>.
/// </summary>
/// <remarks>
/// <para>Standalone (<c>new HealthServiceImpl()</c>, registered as a singleton and mapped with
/// <c>MapGrpcService&lt;HealthServiceImpl&gt;()</c>) the table holds exactly what <see cref="SetStatus"/> put in it.</para>
/// <para>Registered by <c>AddGrpcHealthChecks()</c>, it is fed by ASP.NET Core health checks: the service names
/// mapped in <c>GrpcHealthChecksOptions.Services</c> (by default "" for all checks, and each check tag as a service
/// of the checks carrying it) are known services. <c>Check</c> runs that service's checks (or reads the last
/// published result when <c>UseHealthChecksCache</c> is set); <c>Watch</c> streams what the periodic health check
/// publisher computes, one evaluation shared by every watcher.</para>
/// <para>Every watcher has a one-slot mailbox that keeps only the newest status, so a slow client never makes
/// the publisher wait or memory grow; it may skip an intermediate status but always ends on the latest one.</para>
/// </remarks>
public class HealthServiceImpl : HealthBase
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, ServingStatus> statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<Channel<ServingStatus>>> watchers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Task<ServingStatus>> evaluations = new(StringComparer.Ordinal);
    private readonly HealthCheckStatusSource? source;
    private bool shuttingDown;
    private bool watchesCompleted;

    /// <summary>A service whose statuses are set by hand with <see cref="SetStatus"/>.</summary>
    public HealthServiceImpl()
    {
    }

    /// <summary>A service fed by ASP.NET Core health checks (see <c>AddGrpcHealthChecks</c>).</summary>
    internal HealthServiceImpl(HealthCheckStatusSource source) => this.source = source;

    /// <summary>Sets the status of <paramref name="service"/> ("" for the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (gate)
        {
            statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (gate)
        {
            if (statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>Forgets every service.</summary>
    public void ClearAll()
    {
        lock (gate)
        {
            foreach (var service in statuses.Keys)
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }

            statuses.Clear();
        }
    }

    /// <summary>The status last set for <paramref name="service"/>, if any.</summary>
    public bool TryGetStatus(string service, out ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (gate)
        {
            return statuses.TryGetValue(service, out status);
        }
    }

    public override async Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var service = request.Service;
        ServingStatus status;
        if (source is not null && source.IsKnown(service))
        {
            if (IsShuttingDown)
            {
                status = ServingStatus.NotServing;
            }
            else if (!source.UseCache || !TryGetStatus(service, out status))
            {
                status = await EvaluateAsync(service).WaitAsync(context.CancellationToken).ConfigureAwait(false);
            }
        }
        else if (!TryGetStatus(service, out status))
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"The server does not know the service '{service}'."));
        }

        return new HealthCheckResponse { Status = status };
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        var service = request.Service;
        var cancellationToken = context.CancellationToken;
        var mailbox = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
        });

        bool needsEvaluation;
        lock (gate)
        {
            if (statuses.TryGetValue(service, out var current))
            {
                mailbox.Writer.TryWrite(current);
                needsEvaluation = false;
            }
            else if (source is not null && source.IsKnown(service) && !shuttingDown)
            {
                // Known to the health checks but not published yet: evaluate once below, for this service only.
                needsEvaluation = true;
            }
            else
            {
                mailbox.Writer.TryWrite(ServingStatus.ServiceUnknown);
                needsEvaluation = false;
            }

            if (watchesCompleted)
            {
                mailbox.Writer.TryComplete();
            }
            else
            {
                if (!watchers.TryGetValue(service, out var set))
                {
                    watchers[service] = set = [];
                }

                set.Add(mailbox);
            }
        }

        try
        {
            if (needsEvaluation)
            {
                // Its result reaches this watcher's mailbox like any other status change.
                await EvaluateAsync(service).WaitAsync(cancellationToken).ConfigureAwait(false);
            }

            ServingStatus? lastSent = null;
            while (await mailbox.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (mailbox.Reader.TryRead(out var status))
                {
                    if (status != lastSent)
                    {
                        await responseStream.WriteAsync(new HealthCheckResponse { Status = status }).ConfigureAwait(false);
                        lastSent = status;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away (or the deadline passed): that is how a watch normally ends.
        }
        finally
        {
            lock (gate)
            {
                if (watchers.TryGetValue(service, out var set) && set.Remove(mailbox) && set.Count == 0)
                {
                    watchers.Remove(service);
                }
            }
        }
    }

    /// <summary>The number of open Watch calls, for diagnostics and tests.</summary>
    internal int WatcherCount
    {
        get
        {
            lock (gate)
            {
                return watchers.Values.Sum(set => set.Count);
            }
        }
    }

    internal bool IsShuttingDown
    {
        get
        {
            lock (gate)
            {
                return shuttingDown;
            }
        }
    }

    /// <summary>
    /// The host is stopping: every known service becomes NOT_SERVING (so load balancers drain this server),
    /// health check results no longer change that, and, unless <paramref name="completeWatches"/> is false,
    /// every Watch call ends with OK after sending NOT_SERVING, so the server is not held open by watchers.
    /// </summary>
    internal void EnterShutdown(IEnumerable<string> knownServices, bool completeWatches)
    {
        lock (gate)
        {
            shuttingDown = true;
            foreach (var service in knownServices.Concat(statuses.Keys).Distinct(StringComparer.Ordinal).ToList())
            {
                statuses[service] = ServingStatus.NotServing;
                Notify(service, ServingStatus.NotServing);
            }

            if (completeWatches)
            {
                watchesCompleted = true;
                foreach (var mailbox in watchers.Values.SelectMany(set => set))
                {
                    mailbox.Writer.TryComplete();
                }
            }
        }
    }

    /// <summary>Applies a status computed from health checks, unless the host is already stopping.</summary>
    internal void SetStatusUnlessShuttingDown(string service, ServingStatus status)
    {
        lock (gate)
        {
            if (!shuttingDown)
            {
                statuses[service] = status;
                Notify(service, status);
            }
        }
    }

    /// <summary>Forgets a service the health checks no longer know, unless the host is already stopping.</summary>
    internal void ClearStatusUnlessShuttingDown(string service)
    {
        lock (gate)
        {
            if (!shuttingDown && statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>
    /// Runs the checks of <paramref name="service"/> and publishes the result. Calls that arrive while an evaluation
    /// of the same service runs share it, so a crowd of callers (watchers reconnecting after a deploy, probes) costs
    /// one evaluation. It is not cancelled with any one caller; each caller stops waiting on its own cancellation.
    /// </summary>
    private Task<ServingStatus> EvaluateAsync(string service)
    {
        lock (gate)
        {
            if (!evaluations.TryGetValue(service, out var running))
            {
                evaluations[service] = running = EvaluateAndPublishAsync(service);
            }

            return running;
        }
    }

    private async Task<ServingStatus> EvaluateAndPublishAsync(string service)
    {
        // Leave the caller (which holds the lock) before anything can finish, so the task is stored before it is removed.
        await Task.Yield();
        try
        {
            var status = await source!.EvaluateAsync(service, CancellationToken.None).ConfigureAwait(false);
            SetStatusUnlessShuttingDown(service, status);
            return status;
        }
        finally
        {
            lock (gate)
            {
                evaluations.Remove(service);
            }
        }
    }

    // Called under the lock. A mailbox keeps only the newest status, so this never blocks.
    private void Notify(string service, ServingStatus status)
    {
        if (watchers.TryGetValue(service, out var set))
        {
            foreach (var mailbox in set)
            {
                mailbox.Writer.TryWrite(status);
            }
        }
    }
}
