using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Krakow.Bench.Nearby;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Host;
using Krakow.Maps.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Nearby-search benchmark (see bench/README.md, "Nearby search").
//
//   dotnet run -c Release --project bench/Krakow.Bench.Nearby [-- options]
//     --listings N      listings to insert (default 100000)
//     --concurrency N   calls in flight (default 16)
//     --warmup S        seconds of warm-up of each call kind, once, before the rounds (default 5)
//     --duration S      seconds each call kind is measured in each round (default 3)
//     --rounds N        rounds; each measures every call kind once, in rotating order (default 10)
//
// 1. Starts the real host (PlatformApplication, as Program does) on a temporary SQLite folder, inserts the listings
//    straight into the Maps tables (a listing row and a feed row each), stops it.
// 2. Starts the host again on that folder: the listing index is rebuilt from the table at start-up; its read and
//    build times come from the index's own metrics.
// 3. Over gRPC (the project's client, HTTP/2 on loopback), with N calls in flight: the baseline EmptyCall (empty in,
//    empty out, mapped into the same host), SearchNearby (random centres in the area, radius 1-5 km, 20 results) and
//    a canned reply (the real 20-hit responses to the same requests, captured once and served in turn, to separate the
//    cost of carrying the results from the search). Each round measures every kind for a few seconds, so the kinds
//    of one round share the machine's condition; the ratios are the medians of the rounds' ratios (the host of this
//    virtual machine takes time in bursts: one burst spoils a round, not a kind's whole figure).
var options = BenchOptions.Parse(args);
var folder = Directory.CreateTempSubdirectory("krakow-bench-nearby-").FullName;
Console.WriteLine($"Krakow.Bench.Nearby  {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC  .NET {Environment.Version}  {Environment.ProcessorCount} cores  load {LoadAverage()}");
Console.WriteLine($"listings {options.Listings:N0}  concurrency {options.Concurrency}  warm-up {options.WarmupSeconds} s  rounds {options.Rounds} x {options.DurationSeconds} s");
try
{
    await using (var seeding = await BenchHost.StartAsync(folder))
    {
        var seedWatch = Stopwatch.StartNew();
        Seeder.Insert(Path.Combine(folder, DatabaseOptions.SqliteFileName), options.Listings);
        Console.WriteLine($"inserted {options.Listings:N0} listings in {seedWatch.Elapsed.TotalSeconds:F1} s");
    }

    using var rebuild = new RebuildListener();
    var startWatch = Stopwatch.StartNew();
    await using var host = await BenchHost.StartAsync(folder);
    var (loadMs, buildMs, indexed) = await rebuild.WaitAsync(TimeSpan.FromMinutes(2));
    Console.WriteLine(
        $"index rebuild at start-up: {indexed:N0} listings; read and indexed {loadMs:F0} ms + finished {buildMs:F0} ms = {loadMs + buildMs:F0} ms (host start to index ready {startWatch.ElapsedMilliseconds} ms)");

    using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{host.GrpcPort}");
    var baseline = new Baseline.BaselineClient(channel);
    var listings = new Listings.ListingsClient(channel);
    var requests = NearbyRequests(4096);

    var check = await listings.SearchNearbyAsync(requests[0]);
    Console.WriteLine($"sanity: first search returned {check.Hits.Count} hits, nearest {check.Hits.FirstOrDefault()?.DistanceMeters:F0} m");
    if (check.Hits.Count == 0)
    {
        throw new InvalidOperationException("the search returned nothing: are the campaigns loaded and open?");
    }

    // The canned replies are the real answers to the same requests, served in turn: the same listings as the
    // searches return, so the same memory is touched to send them.
    var replies = new SearchListingsResponse[requests.Length];
    for (var i = 0; i < requests.Length; i++)
    {
        replies[i] = await listings.SearchNearbyAsync(requests[i]);
    }

    BaselineService.Canned = replies;
    var empty = new Empty();
    var calls = new Dictionary<string, Func<int, Task<int>>>
    {
        ["baseline EmptyCall"] = async _ =>
        {
            await baseline.EmptyCallAsync(empty);
            return 0;
        },
        ["SearchNearby"] = async i => (await listings.SearchNearbyAsync(requests[i & (requests.Length - 1)])).Hits.Count,
        ["canned 20-hit reply"] = async _ => (await baseline.CannedSearchAsync(empty)).Hits.Count,
    };

    foreach (var kind in calls.Keys)
    {
        await Load.RunAsync(calls[kind], options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds));
    }

    var results = calls.Keys.ToDictionary(k => k, _ => new List<RoundResult>());
    for (var round = 0; round < options.Rounds; round++)
    {
        // Rotate the order so no kind always runs first in a round.
        var order = calls.Keys.Skip(round % calls.Count).Concat(calls.Keys.Take(round % calls.Count)).ToArray();
        foreach (var kind in order)
        {
            var result = await Load.RunAsync(calls[kind], options.Concurrency, TimeSpan.FromSeconds(options.DurationSeconds));
            results[kind].Add(result);
            Console.WriteLine($"  round {round + 1,2} {kind,-20} {result}");
        }
    }

    Console.WriteLine();
    Console.WriteLine($"| call (16 in flight, median of {options.Rounds} rounds) | QPS | p50 ms | p99 ms | results per call | CPU per call (client + server) | allocated per call |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (var (kind, rounds) in results)
    {
        Console.WriteLine(
            $"| {kind} | {MedianOf(rounds, r => r.Qps):F0} | {MedianOf(rounds, r => r.P50Ms):F2} | {MedianOf(rounds, r => r.P99Ms):F2} | {MedianOf(rounds, r => r.ItemsPerCall):F1} | "
            + $"{MedianOf(rounds, r => r.CpuMicrosecondsPerCall):F1} µs | {MedianOf(rounds, r => r.BytesPerCall):F0} B |");
    }

    var baselineRounds = results["baseline EmptyCall"];
    var nearby = RoundRatios(results["SearchNearby"], baselineRounds);
    var canned = RoundRatios(results["canned 20-hit reply"], baselineRounds);
    var ratio = Median(nearby);
    Console.WriteLine();
    Console.WriteLine($"ratio nearby/empty (median of the rounds' ratios): {ratio:F2} (target >= 0.70){(ratio >= 0.7 ? string.Empty : "  BELOW TARGET")}; rounds: {string.Join(", ", nearby.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}");
    Console.WriteLine($"ratio canned-reply/empty: {Median(canned):F2} (the same 20 results without the search: the floor set by carrying them)");
    Console.WriteLine($"ratio nearby/canned-reply: {Median(nearby.Zip(canned, (n, c) => n / c)):F2} (the search itself, validation and page token)");
    return 0;
}
finally
{
    SqliteConnection.ClearAllPools();
    Directory.Delete(folder, recursive: true);
}

static double[] RoundRatios(List<RoundResult> kind, List<RoundResult> baseline) =>
    [.. kind.Zip(baseline, (k, b) => k.Qps / b.Qps)];

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length == 0 ? double.NaN
        : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
        : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static double MedianOf(List<RoundResult> rounds, Func<RoundResult, double> value) => Median(rounds.Select(value));

static SearchNearbyRequest[] NearbyRequests(int count)
{
    var random = new Random(2026);
    return [.. Enumerable.Range(0, count).Select(_ => new SearchNearbyRequest
    {
        Center = new GeoPoint { Latitude = 49.85 + (random.NextDouble() * 0.45), Longitude = 19.55 + (random.NextDouble() * 0.9) },
        RadiusMeters = 1000 + (random.NextDouble() * 4000),
        PageSize = 20,
    })];
}

static string LoadAverage()
{
    try
    {
        return File.ReadAllText("/proc/loadavg").Split(' ')[0];
    }
    catch (IOException)
    {
        return "?";
    }
}

/// <summary>The platform host as Program starts it, on loopback ports, with the baseline service mapped in.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly WebApplication app;

    private BenchHost(WebApplication app, int grpcPort)
    {
        this.app = app;
        GrpcPort = grpcPort;
    }

    public int GrpcPort { get; }

    public static async Task<BenchHost> StartAsync(string folder)
    {
        // A port the OS called free can be taken by another process before we bind it: try a few pairs.
        for (var attempt = 1; ; attempt++)
        {
            var grpcPort = FreePort();
            var settings = new Dictionary<string, string?>
            {
                ["Platform:DataDirectory"] = folder,
                ["Platform:GrpcPort"] = grpcPort.ToString(CultureInfo.InvariantCulture),
                ["Platform:WebPort"] = FreePort().ToString(CultureInfo.InvariantCulture),
                ["Logging:LogLevel:Default"] = "Error",
            };
            var app = PlatformApplication.Create(
                [],
                builder => builder.Configuration.AddInMemoryCollection(settings),
                app => app.MapGrpcService<BaselineService>());
            try
            {
                await app.StartPlatformAsync();
                return new BenchHost(app, grpcPort);
            }
            catch (IOException) when (attempt < 5)
            {
                await app.DisposeAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The baselines: no work at all, and a canned search response.</summary>
internal sealed class BaselineService : Baseline.BaselineBase
{
    private static readonly Task<Empty> Done = Task.FromResult(new Empty());

    private static int next = -1;

    /// <summary>Set by the benchmark to real SearchNearby responses before CannedSearch is called; served in turn.</summary>
    public static SearchListingsResponse[] Canned { get; set; } = [new()];

    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Done;

    public override Task<SearchListingsResponse> CannedSearch(Empty request, ServerCallContext context) =>
        Task.FromResult(Canned[(int)((uint)Interlocked.Increment(ref next) % (uint)Canned.Length)]);
}

/// <summary>Listens to the listing index's rebuild metrics (meter Krakow.Modules.Maps.Search).</summary>
internal sealed class RebuildListener : IDisposable
{
    private readonly MeterListener listener = new();
    private readonly TaskCompletionSource<(double LoadMs, double BuildMs, int Listings)> rebuilt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private double loadMs = double.NaN;

    public RebuildListener()
    {
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Krakow.Modules.Maps.Search" && instrument.Name.StartsWith("krakow.maps.search.index.rebuild.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name.EndsWith("load_duration", StringComparison.Ordinal))
            {
                loadMs = value;
                return;
            }

            var count = 0;
            foreach (var tag in tags)
            {
                if (tag.Key == "listings" && tag.Value is int n)
                {
                    count = n;
                }
            }

            // The first (empty) build of a fresh process may come before the rows are there: wait for the real one.
            if (count > 0)
            {
                rebuilt.TrySetResult((loadMs, value, count));
            }
        });
        listener.Start();
    }

    public Task<(double LoadMs, double BuildMs, int Listings)> WaitAsync(TimeSpan timeout) => rebuilt.Task.WaitAsync(timeout);

    public void Dispose() => listener.Dispose();
}

/// <summary>Inserts listings spread over the Kraków metropolitan area straight into the Maps tables, with their feed rows.</summary>
internal static class Seeder
{
    private static readonly (string Campaign, string[] Categories, double Share)[] Campaigns =
    [
        ("im-active", ["retail", "crafts", "services", "health-beauty", "culture-leisure", "education", "tourism", "business-services", "other", "cafe"], 0.6),
        ("gastronomy", ["restaurant", "cafe", "confectionery", "bistro", "food-truck", "catering-service"], 0.25),
        ("christmas-online", ["handicrafts", "decorations", "delicacies", "gifts", "books-toys"], 0.15),
    ];

    private static readonly string[] Words = ["Złota", "Kłos", "Wawel", "Kazimierz", "Podgórze", "Nowa Huta", "Rynek", "Smok", "Wisła", "Planty", "Krowodrza", "Dębniki"];

    public static void Insert(string databaseFile, int count)
    {
        var random = new Random(7);
        using var connection = new SqliteConnection(DatabaseOptions.SqliteConnectionStringFor(databaseFile));
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var listing = connection.CreateCommand();
        listing.Transaction = transaction;
        listing.CommandText = """
            INSERT INTO maps_listings (id, campaign_id, source_campaign_id, application_id, season, name, category_id, latitude, longitude,
                street, building_number, postal_code, city, orders_online, delivers, website, phone, description, offer_image_id, updated_at)
            VALUES ($id, $campaign, $campaign, $application, 1, $name, $category, $lat, $lon,
                'ul. Floriańska', $number, '31-019', 'Kraków', $online, $delivers, $website, '+48 12 000 00 00', $description, '', $updated)
            """;
        using var change = connection.CreateCommand();
        change.Transaction = transaction;
        change.CommandText = "INSERT INTO maps_listing_changes (listing_id, campaign_id, kind, changed_at) VALUES ($id, $campaign, 1, $updated)";
        var updated = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);

        for (var i = 0; i < count; i++)
        {
            var pick = random.NextDouble();
            var campaign = pick < Campaigns[0].Share ? Campaigns[0] : pick < Campaigns[0].Share + Campaigns[1].Share ? Campaigns[1] : Campaigns[2];
            var application = $"bench-{i:D7}";
            var id = $"{application}@{campaign.Campaign}";
            listing.Parameters.Clear();
            listing.Parameters.AddWithValue("$id", id);
            listing.Parameters.AddWithValue("$campaign", campaign.Campaign);
            listing.Parameters.AddWithValue("$application", application);
            listing.Parameters.AddWithValue("$name", $"{Words[random.Next(Words.Length)]} {Words[random.Next(Words.Length)]} nr {i}");
            listing.Parameters.AddWithValue("$category", campaign.Categories[random.Next(campaign.Categories.Length)]);
            listing.Parameters.AddWithValue("$lat", 49.85 + (random.NextDouble() * 0.45));
            listing.Parameters.AddWithValue("$lon", 19.55 + (random.NextDouble() * 0.9));
            listing.Parameters.AddWithValue("$number", (1 + random.Next(120)).ToString(CultureInfo.InvariantCulture));
            listing.Parameters.AddWithValue("$online", random.Next(2));
            listing.Parameters.AddWithValue("$delivers", random.Next(3) == 0 ? 1 : 0);
            listing.Parameters.AddWithValue("$website", $"https://firma{i}.krakow.pl");
            listing.Parameters.AddWithValue("$description", $"Lokalna firma z okolic: {Words[random.Next(Words.Length)]}. Zamówienia telefoniczne i online, dostawa na terenie Krakowa i okolic.");
            listing.Parameters.AddWithValue("$updated", updated);
            listing.ExecuteNonQuery();
            change.Parameters.Clear();
            change.Parameters.AddWithValue("$id", id);
            change.Parameters.AddWithValue("$campaign", campaign.Campaign);
            change.Parameters.AddWithValue("$updated", updated);
            change.ExecuteNonQuery();
        }

        transaction.Commit();
    }
}

/// <summary>One measured round: calls completed, QPS, latency percentiles, results per call.</summary>
internal sealed record RoundResult(
    long Calls, double Qps, double P50Ms, double P99Ms, double ItemsPerCall, double CpuMicrosecondsPerCall, double BytesPerCall, int Gen0, int Gen1, int Gen2)
{
    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Calls,9:N0} calls  {Qps,8:F0} QPS  p50 {P50Ms,6:F2} ms  p99 {P99Ms,6:F2} ms  {ItemsPerCall:F1} results/call  CPU {CpuMicrosecondsPerCall,5:F1} us/call  {BytesPerCall,6:F0} B/call  GC {Gen0}/{Gen1}/{Gen2}");
}

/// <summary>Keeps a fixed number of calls in flight for a while and measures them.</summary>
internal static class Load
{
    public static async Task<RoundResult> RunAsync(Func<int, Task<int>> call, int concurrency, TimeSpan duration)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        var (gen0, gen1, gen2) = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var workers = Enumerable.Range(0, concurrency).Select(worker => Task.Run(async () =>
        {
            var latencies = new List<long>(1 << 16);
            long items = 0;
            var i = worker * 7919;
            while (Stopwatch.GetTimestamp() < stopAt)
            {
                var t0 = Stopwatch.GetTimestamp();
                items += await call(i++);
                latencies.Add(Stopwatch.GetTimestamp() - t0);
            }

            return (latencies, items);
        })).ToArray();
        var done = await Task.WhenAll(workers);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        (gen0, gen1, gen2) = (GC.CollectionCount(0) - gen0, GC.CollectionCount(1) - gen1, GC.CollectionCount(2) - gen2);
        var all = done.SelectMany(d => d.latencies).ToArray();
        Array.Sort(all);
        var totalItems = done.Sum(d => d.items);
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return new RoundResult(
            all.Length,
            all.Length / elapsed,
            Percentile(0.50),
            Percentile(0.99),
            all.Length == 0 ? 0 : (double)totalItems / all.Length,
            all.Length == 0 ? 0 : cpu / all.Length,
            all.Length == 0 ? 0 : (double)allocated / all.Length,
            gen0,
            gen1,
            gen2);
    }
}

internal sealed record BenchOptions(int Listings, int Concurrency, int WarmupSeconds, int DurationSeconds, int Rounds)
{
    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(100_000, 16, 5, 3, 10);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--listings" => options with { Listings = value },
                "--concurrency" => options with { Concurrency = value },
                "--warmup" => options with { WarmupSeconds = value },
                "--duration" => options with { DurationSeconds = value },
                "--rounds" => options with { Rounds = value },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
