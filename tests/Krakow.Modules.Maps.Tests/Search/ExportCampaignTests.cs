using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Grpc.Core;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Infrastructure.Search;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>ExportCampaign (gRPC stream) and the GeoJSON download: valid RFC 7946, chunked, cached, never stale.</summary>
public sealed partial class ExportCampaignTests(SearchFixture fixture) : IClassFixture<SearchFixture>
{
    private SearchHost Host => fixture.Host;

    [Fact]
    public async Task The_export_is_one_feature_collection_an_independent_validator_accepts()
    {
        var campaign = fixture.NewCampaign();
        var random = new Random(7);
        var description = string.Concat(Enumerable.Repeat("Świeże pieczywo, \"rzemieślnicze\" — z dostawą!\n\tTel. ☎ ", 8));
        var listings = Enumerable.Range(0, 300).Select(i => ListingSeeder.Listing(
            campaign,
            49.85 + (random.NextDouble() * 0.45),
            19.55 + (random.NextDouble() * 0.9),
            applicationId: $"e-{i:D3}",
            name: $"Piekarnia „Złoty Kłos” nr {i} 🍞",
            category: i % 2 == 0 ? "shop" : "restaurant",
            description: description,
            ordersOnline: i % 3 == 0,
            delivers: i % 5 == 0,
            offerImageId: i % 4 == 0 ? new string('b', 64) : "")).ToList();
        listings.Add(ListingSeeder.Listing(campaign, 50.0, 19.9, applicationId: "e-old-season", season: 0));
        listings.Add(ListingSeeder.Listing(fixture.NewCampaign(), 50.0, 19.9, applicationId: "e-other-map"));
        await ListingSeeder.AddAsync(Host, [.. listings]);

        var chunks = await ExportChunksAsync(campaign);
        var document = Concat(chunks);

        chunks.Count.ShouldBeGreaterThan(2);
        chunks.SkipLast(1).ShouldAllBe(c => c.Length == 64 * 1024);
        chunks[^1].Length.ShouldBeInRange(1, 64 * 1024);

        var (exitCode, output) = await GeoJsonValidator.ValidateAsync(document);
        exitCode.ShouldBe(0, output);

        using var json = JsonDocument.Parse(document);
        var root = json.RootElement;
        root.GetProperty("type").GetString().ShouldBe("FeatureCollection");
        var features = root.GetProperty("features").EnumerateArray().ToList();
        features.Count.ShouldBe(300);
        features.Select(f => f.GetProperty("id").GetString()).ShouldBe(listings.Take(300).Select(l => l.Id).Order(StringComparer.Ordinal));

        var first = features.Single(f => f.GetProperty("id").GetString() == $"e-000@{campaign}");
        var seeded = listings[0];
        var coordinates = first.GetProperty("geometry").GetProperty("coordinates").EnumerateArray().Select(c => c.GetDouble()).ToList();
        first.GetProperty("geometry").GetProperty("type").GetString().ShouldBe("Point");
        coordinates.Count.ShouldBe(2);
        coordinates[0].ShouldBe(seeded.Longitude, 0.5e-7);
        coordinates[1].ShouldBe(seeded.Latitude, 0.5e-7);
        var properties = first.GetProperty("properties");
        properties.GetProperty("id").GetString().ShouldBe(seeded.Id);
        properties.GetProperty("name").GetString().ShouldBe("Piekarnia „Złoty Kłos” nr 0 🍞");
        properties.GetProperty("category").GetString().ShouldBe("shop");
        properties.GetProperty("campaign").GetString().ShouldBe(campaign);
        properties.GetProperty("source_campaign").GetString().ShouldBe(campaign);
        properties.GetProperty("address").GetProperty("street").GetString().ShouldBe("Rynek Główny");
        properties.GetProperty("address").GetProperty("postal_code").GetString().ShouldBe("31-042");
        properties.GetProperty("orders_online").GetBoolean().ShouldBeTrue();
        properties.GetProperty("delivers").GetBoolean().ShouldBeTrue();
        properties.GetProperty("website").GetString().ShouldBe("https://example.pl/e-000");
        properties.GetProperty("description").GetString().ShouldBe(description);
        properties.GetProperty("offer_image_url").GetString().ShouldBe("/maps/images/" + new string('b', 64));
        features.Single(f => f.GetProperty("id").GetString() == $"e-001@{campaign}")
            .GetProperty("properties").GetProperty("offer_image_url").ValueKind.ShouldBe(JsonValueKind.Null);

        // UTF-8 as is, and no coordinate with more than 7 decimals.
        var text = Encoding.UTF8.GetString(document);
        text.ShouldContain("„Złoty Kłos”");
        CoordinatePairs().Matches(text).Count.ShouldBe(300);
        LongDecimals().IsMatch(string.Join(' ', CoordinatePairs().Matches(text).Select(m => m.Value))).ShouldBeFalse();

        // The download is the same document.
        using var response = await Host.Web.GetAsync($"/maps/campaigns/{campaign}/listings.geojson");
        response.IsSuccessStatusCode.ShouldBeTrue();
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/geo+json");
        (await response.Content.ReadAsByteArrayAsync()).ShouldBe(document);
    }

    [Fact]
    public async Task A_campaign_with_nothing_live_exports_an_empty_collection()
    {
        var closed = Host.Catalog.Add("closed-" + fixture.NewCampaign(), ["shop"], SearchCatalog.Ended).Id;
        await ListingSeeder.AddAsync(Host, ListingSeeder.Listing(closed, 50, 20));
        var empty = fixture.NewCampaign();

        foreach (var campaign in new[] { closed, empty })
        {
            var document = Concat(await ExportChunksAsync(campaign));
            Encoding.UTF8.GetString(document).ShouldBe("""{"type":"FeatureCollection","features":[]}""");
            var (exitCode, output) = await GeoJsonValidator.ValidateAsync(document);
            exitCode.ShouldBe(0, output);
        }
    }

    [Fact]
    public async Task The_export_is_served_from_the_cache_until_the_campaign_changes()
    {
        var campaign = fixture.NewCampaign();
        var listing = ListingSeeder.Listing(campaign, 50.06, 19.94, applicationId: "cache-1", name: "Przed zmianą");
        await ListingSeeder.AddAsync(Host, listing);
        var cache = Host.Services.GetRequiredService<IDistributedCache>();

        var first = Encoding.UTF8.GetString(Concat(await ExportChunksAsync(campaign)));
        first.ShouldContain("Przed zmianą");
        var key = CurrentKey(campaign);
        (await cache.GetAsync(key + ":n")).ShouldNotBeNull("the export was cached");

        // Proof that the next export is read from the cache: swap the cached chunk for a marker document.
        const string marker = """{"type":"FeatureCollection","features":[],"served_from":"cache"}""";
        await cache.SetAsync(key + ":0", Encoding.UTF8.GetBytes(marker));
        Encoding.UTF8.GetString(Concat(await ExportChunksAsync(campaign))).ShouldBe(marker);
        (await DownloadAsync(campaign)).ShouldBe(marker);

        // Any change to the campaign's listings moves the key: the export is fresh, never the stale cached one.
        await ListingSeeder.UpdateAsync(Host, listing.Id, l => l.Name = "Po zmianie");
        var afterUpdate = Encoding.UTF8.GetString(Concat(await ExportChunksAsync(campaign)));
        afterUpdate.ShouldContain("Po zmianie");
        afterUpdate.ShouldNotContain("served_from");
        CurrentKey(campaign).ShouldNotBe(key);

        await ListingSeeder.AddAsync(Host, ListingSeeder.Listing(campaign, 50.07, 19.95, applicationId: "cache-2"));
        var afterAdd = Encoding.UTF8.GetString(Concat(await ExportChunksAsync(campaign)));
        afterAdd.ShouldContain("cache-2@");
        (await DownloadAsync(campaign)).ShouldBe(afterAdd);

        await ListingSeeder.RemoveAsync(Host, listing.Id);
        Encoding.UTF8.GetString(Concat(await ExportChunksAsync(campaign))).ShouldNotContain("cache-1@");

        // A change on another campaign leaves this one's cached export alone.
        var stableKey = CurrentKey(campaign);
        await ListingSeeder.AddAsync(Host, ListingSeeder.Listing(fixture.NewCampaign(), 50, 20));
        CurrentKey(campaign).ShouldBe(stableKey);
    }

    [Fact]
    public async Task An_evicted_chunk_is_regenerated_from_the_same_snapshot()
    {
        var campaign = fixture.NewCampaign();
        var filler = new string('x', 5000);
        await ListingSeeder.AddAsync(Host, [.. Enumerable.Range(0, 60).Select(i => ListingSeeder.Listing(campaign, 50 + (i * 0.001), 20, description: filler))]);
        var original = Concat(await ExportChunksAsync(campaign));
        var cache = Host.Services.GetRequiredService<IDistributedCache>();
        var key = CurrentKey(campaign);
        (await cache.GetAsync(key + ":3")).ShouldNotBeNull();

        await cache.RemoveAsync(key + ":2");

        Concat(await ExportChunksAsync(campaign)).ShouldBe(original);
        (await cache.GetAsync(key + ":2")).ShouldNotBeNull("the evicted chunk was written back");
    }

    [Fact]
    public async Task The_download_answers_304_to_its_own_etag_until_the_campaign_changes()
    {
        var campaign = fixture.NewCampaign();
        await ListingSeeder.AddAsync(Host, ListingSeeder.Listing(campaign, 50.06, 19.94));
        using var first = await Host.Web.GetAsync($"/maps/campaigns/{campaign}/listings.geojson");
        var etag = first.Headers.ETag;
        etag.ShouldNotBeNull();

        using var again = new HttpRequestMessage(HttpMethod.Get, $"/maps/campaigns/{campaign}/listings.geojson");
        again.Headers.IfNoneMatch.Add(etag);
        using var notModified = await Host.Web.SendAsync(again);
        ((int)notModified.StatusCode).ShouldBe(304);

        await ListingSeeder.AddAsync(Host, ListingSeeder.Listing(campaign, 50.07, 19.95));
        using var changed = new HttpRequestMessage(HttpMethod.Get, $"/maps/campaigns/{campaign}/listings.geojson");
        changed.Headers.IfNoneMatch.Add(etag);
        using var fresh = await Host.Web.SendAsync(changed);
        ((int)fresh.StatusCode).ShouldBe(200);
        fresh.Headers.ETag.ShouldNotBe(etag);
    }

    private static byte[] Concat(IEnumerable<byte[]> chunks) => [.. chunks.SelectMany(c => c)];

    [GeneratedRegex("\"coordinates\":\\[[^\\]]*\\]")]
    private static partial Regex CoordinatePairs();

    [GeneratedRegex("\\.[0-9]{8,}")]
    private static partial Regex LongDecimals();

    private string CurrentKey(string campaign)
    {
        var position = Host.Services.GetRequiredService<IListingIndex>().Current!.Position;
        position.Complete.ShouldBeTrue();
        return CampaignGeoJsonExport.CacheKey(campaign, 1, position.SequenceOf(campaign));
    }

    private async Task<List<byte[]>> ExportChunksAsync(string campaign)
    {
        using var call = Host.Listings.ExportCampaign(new ExportCampaignRequest { CampaignId = campaign });
        var chunks = new List<byte[]>();
        await foreach (var chunk in call.ResponseStream.ReadAllAsync())
        {
            chunks.Add(chunk.Data.ToByteArray());
        }

        return chunks;
    }

    private async Task<string> DownloadAsync(string campaign) =>
        await Host.Web.GetStringAsync($"/maps/campaigns/{campaign}/listings.geojson");
}
