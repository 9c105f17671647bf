using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Listings;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// The spatial index against brute force: random listings (around Kraków, across the antimeridian, near a pole),
/// random queries, page by page, and after incremental changes.
/// </summary>
public sealed class IndexSnapshotTests
{
    private static readonly IReadOnlyDictionary<string, int> AllLive = new Dictionary<string, int> { ["a"] = 1, ["b"] = 1 };

    public static TheoryData<string, double, double, double> Regions => new()
    {
        { "Kraków", 50.06, 19.94, 30_000 },
        { "antimeridian", -16.5, 179.9, 60_000 },
        { "north pole", 89.8, 0, 60_000 },
        { "equator", 0, 0, 40_000 },
    };

    [Theory]
    [MemberData(nameof(Regions))]
    public void Nearby_pages_match_brute_force(string region, double latitude, double longitude, double spread)
    {
        var random = new Random(region.GetHashCode(StringComparison.Ordinal) & 0x7fffffff);
        var rows = RandomRows(random, latitude, longitude, spread, 3000);
        var snapshot = Build(rows);
        var matcher = Matcher(snapshot, ListingFilterSpec.None);

        for (var q = 0; q < 25; q++)
        {
            var (cLat, cLon) = GreatCircle.Destination(latitude, longitude, random.NextDouble() * 360, random.NextDouble() * spread);
            var radius = 1 + (random.NextDouble() * 20_000);
            var expected = rows
                .Select(r => (Row: r, Distance: GreatCircle.Meters(cLat, cLon, r.Latitude, r.Longitude)))
                .Where(x => x.Distance <= radius - 0.001)
                .OrderBy(x => x.Distance).ThenBy(x => x.Row.Id, StringComparer.Ordinal)
                .ToList();

            var seen = new List<SearchHit>();
            NearbyCursor? cursor = null;
            for (var page = 0; page < 200; page++)
            {
                var hits = snapshot.Nearby(cLat, cLon, radius, matcher, cursor, 37);
                seen.AddRange(hits);
                if (hits.Count < 37)
                {
                    break;
                }

                cursor = new NearbyCursor(hits[^1].SortKey, hits[^1].Listing.Id);
            }

            // Everything inside (up to a millimetre at the boundary), nearest first, no repeats.
            seen.Select(h => h.Listing.Id).Distinct().Count().ShouldBe(seen.Count);
            var seenIds = seen.Select(h => h.Listing.Id).ToHashSet();
            expected.Where(x => !seenIds.Contains(x.Row.Id)).ShouldBeEmpty($"{region} query {q}");
            seen.All(h => h.DistanceMeters <= radius).ShouldBeTrue();
            for (var i = 1; i < seen.Count; i++)
            {
                (seen[i - 1].SortKey < seen[i].SortKey
                 || (seen[i - 1].SortKey == seen[i].SortKey && string.CompareOrdinal(seen[i - 1].Listing.Id, seen[i].Listing.Id) < 0)).ShouldBeTrue();
                seen[i - 1].DistanceMeters.ShouldBeLessThanOrEqualTo(seen[i].DistanceMeters);
            }

            foreach (var hit in seen)
            {
                hit.DistanceMeters.ShouldBe(GreatCircle.Meters(cLat, cLon, hit.Listing.Latitude, hit.Listing.Longitude), 0.001);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Regions))]
    public void Viewport_pages_match_brute_force(string region, double latitude, double longitude, double spread)
    {
        var random = new Random(17 + (region.Length * 31));
        var rows = RandomRows(random, latitude, longitude, spread, 2000);
        var snapshot = Build(rows);
        var matcher = Matcher(snapshot, ListingFilterSpec.None);

        for (var q = 0; q < 25; q++)
        {
            var lats = new[] { rows[random.Next(rows.Count)].Latitude, rows[random.Next(rows.Count)].Latitude }.Order().ToArray();
            var lons = new[] { rows[random.Next(rows.Count)].Longitude, rows[random.Next(rows.Count)].Longitude }.Order().ToArray();
            var expected = rows
                .Where(r => r.Latitude >= lats[0] && r.Latitude <= lats[1] && r.Longitude >= lons[0] && r.Longitude <= lons[1])
                .Select(r => r.Id).Order(StringComparer.Ordinal).ToList();

            var seen = new List<string>();
            string? after = null;
            for (var page = 0; page < 500; page++)
            {
                var hits = snapshot.Viewport(lats[0], lons[0], lats[1], lons[1], matcher, after, 50);
                seen.AddRange(hits.Select(h => h.Listing.Id));
                if (hits.Count < 50)
                {
                    break;
                }

                after = hits[^1].Listing.Id;
            }

            seen.ShouldBe(expected, $"{region} query {q}");
        }
    }

    [Fact]
    public void Incremental_changes_give_the_same_answers_as_a_rebuild()
    {
        var random = new Random(5);
        var rows = RandomRows(random, 50.06, 19.94, 20_000, 2000);
        var snapshot = Build(rows);
        var current = rows.ToDictionary(r => r.Id);

        for (var round = 0; round < 20; round++)
        {
            var touched = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                var pick = random.Next(3);
                if (pick == 0 || current.Count == 0)
                {
                    var row = RandomRows(random, 50.06, 19.94, 20_000, 1, $"r{round}-{i}-")[0];
                    current[row.Id] = row;
                    touched.Add(row.Id);
                }
                else
                {
                    var id = current.Keys.ElementAt(random.Next(current.Count));
                    touched.Add(id);
                    if (pick == 1)
                    {
                        current.Remove(id);
                    }
                    else
                    {
                        var moved = RandomRows(random, 50.06, 19.94, 20_000, 1)[0];
                        moved.Id = id;
                        current[id] = moved;
                    }
                }
            }

            snapshot = snapshot.Apply(touched, current, FeedPosition.Start, round + 2);
        }

        var rebuilt = Build([.. current.Values]);
        snapshot.Count.ShouldBe(rebuilt.Count);
        for (var q = 0; q < 20; q++)
        {
            var (lat, lon) = GreatCircle.Destination(50.06, 19.94, random.NextDouble() * 360, random.NextDouble() * 20_000);
            var a = snapshot.Nearby(lat, lon, 5000, Matcher(snapshot, ListingFilterSpec.None), null, 60).Select(h => h.Listing.Id);
            var b = rebuilt.Nearby(lat, lon, 5000, Matcher(rebuilt, ListingFilterSpec.None), null, 60).Select(h => h.Listing.Id);
            a.ShouldBe(b);
        }

        foreach (var id in current.Keys.Take(100))
        {
            snapshot.Find(id)!.Row.ShouldBeSameAs(current[id]);
        }
    }

    [Theory]
    [InlineData("Złota", "zlota")]
    [InlineData("ŁÓDŹ", "lodz")]
    [InlineData("Straße", "strasse")]
    [InlineData("Café-Bar", "cafe bar")]
    [InlineData("Kraków, ul. Św. Anny 5", "krakow  ul  sw  anny 5")]
    [InlineData("\u041A\u0438\u0457\u0432", "\u043A\u0438\u0456\u0432")]
    public void Text_is_folded_without_case_and_accents(string text, string folded) =>
        TextFolding.Fold(text).ShouldBe(folded);

    private static ListingIndexSnapshot Build(List<Listing> rows) =>
        ListingIndexSnapshot.Build(rows, FeedPosition.Start, new SlotTable(), new SlotTable(), 1);

    private static ListingMatcher Matcher(ListingIndexSnapshot snapshot, ListingFilterSpec filter) =>
        ListingMatcher.Create(AllLive, filter, snapshot.Campaigns, snapshot.Categories);

    private static List<Listing> RandomRows(Random random, double latitude, double longitude, double spread, int count, string prefix = "")
    {
        var rows = new List<Listing>(count);
        for (var i = 0; i < count; i++)
        {
            var (lat, lon) = GreatCircle.Destination(latitude, longitude, random.NextDouble() * 360, Math.Sqrt(random.NextDouble()) * spread);
            // A few exact duplicates of position, to exercise ties.
            if (i > 0 && random.Next(20) == 0)
            {
                (lat, lon) = (rows[^1].Latitude, rows[^1].Longitude);
            }

            rows.Add(Row($"{prefix}app-{random.Next():x8}-{i}@{(i % 3 == 0 ? "b" : "a")}", lat, lon, "Sklep", string.Empty));
        }

        return rows;
    }

    private static Listing Row(string id, double latitude, double longitude, string name, string description) => new()
    {
        Id = id,
        CampaignId = id[(id.IndexOf('@', StringComparison.Ordinal) + 1)..],
        SourceCampaignId = "a",
        ApplicationId = id[..id.IndexOf('@', StringComparison.Ordinal)],
        Season = 1,
        Name = name,
        CategoryId = "shop",
        Latitude = latitude,
        Longitude = longitude,
        Description = description,
    };
}
