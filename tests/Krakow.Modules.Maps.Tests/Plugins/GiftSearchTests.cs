using Grpc.Core;
using Krakow.Plugins.ChristmasOnline.V1;
using Shouldly;
using Reflection = Grpc.Reflection.V1;

namespace Krakow.Modules.Maps.Tests.Plugins;

/// <summary>
/// The Christmas plugin's own gRPC service, krakow.plugins.christmas.v1.GiftSearch, as the host exposes it: gift
/// ideas of the campaign's categories by price, over gRPC and gRPC-Web, described by server reflection.
/// </summary>
public sealed class GiftSearchTests(GiftSearchTests.Host fixture) : IClassFixture<GiftSearchTests.Host>
{
    private GiftSearch.GiftSearchClient Client => new(fixture.Server.Channel);

    [Fact]
    public async Task Ideas_of_a_category_within_a_budget_come_cheapest_first_with_their_price_band()
    {
        var response = await Client.SearchGiftsAsync(new SearchGiftsRequest { Category = "decorations", MaxPricePln = 30 });
        response.Gifts.Select(g => (g.Id, g.MinPricePln, g.MaxPricePln, g.PriceBand)).ShouldBe(
        [
            ("paper-stars", 10, 40, "up-to-50"),
            ("straw-ornaments", 15, 60, "up-to-50"),
            ("glass-baubles", 25, 90, "up-to-50"),
        ]);
        response.TotalMatches.ShouldBe(3);
        var first = response.Gifts[0];
        first.Category.ShouldBe("decorations");
        first.CategoryNamePl.ShouldBe("Ozdoby świąteczne");
        first.CategoryNameEn.ShouldBe("Christmas decorations");
        first.NamePl.ShouldBe("Gwiazdy i łańcuchy z papieru");
        first.NameEn.ShouldBe("Paper stars and garlands");
    }

    [Fact]
    public async Task Every_category_of_the_campaign_has_ideas_and_the_whole_catalogue_is_stable()
    {
        var all = await Client.SearchGiftsAsync(new SearchGiftsRequest());
        all.Gifts.Select(g => g.Category).Distinct().Order(StringComparer.Ordinal).ShouldBe(
            ["books-toys", "christmas-trees", "decorations", "delicacies", "fashion-cosmetics", "gifts", "handicrafts", "holiday-catering", "other", "vouchers-services"]);
        all.Gifts.Count.ShouldBe(all.TotalMatches);
        all.Gifts.Select(g => g.Id).ShouldBeUnique();
        all.Gifts.ShouldAllBe(g => g.MinPricePln > 0 && g.MinPricePln <= g.MaxPricePln);
        all.Gifts.Select(g => g.MinPricePln).ShouldBeInOrder();
        (await Client.SearchGiftsAsync(new SearchGiftsRequest())).ShouldBe(all);
    }

    [Fact]
    public async Task Bands_lower_bounds_words_and_limits_narrow_the_search()
    {
        var premium = await Client.SearchGiftsAsync(new SearchGiftsRequest { PriceBand = "over-500", Category = "handicrafts" });
        premium.Gifts.Select(g => g.Id).ShouldBe(["krakow-szopka", "linen-tablecloth"]);

        var atLeast = await Client.SearchGiftsAsync(new SearchGiftsRequest { Category = "vouchers-services", MinPricePln = 1000 });
        atLeast.Gifts.Select(g => g.Id).ShouldBe(["photo-session"]);

        (await Client.SearchGiftsAsync(new SearchGiftsRequest { Text = "KRAKÓW guided" })).Gifts.Select(g => g.Id).ShouldBe(["city-tour"]);

        var limited = await Client.SearchGiftsAsync(new SearchGiftsRequest { MaxPricePln = 50, Limit = 2 });
        limited.Gifts.Count.ShouldBe(2);
        limited.TotalMatches.ShouldBeGreaterThan(2);
    }

    [Fact]
    public async Task Bad_requests_are_invalid_arguments_naming_what_is_allowed()
    {
        var error = await Should.ThrowAsync<RpcException>(Client.SearchGiftsAsync(new SearchGiftsRequest { Category = "cars", MaxPricePln = -1 }).ResponseAsync);
        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        error.Status.Detail.ShouldContain("category 'cars' is not one of the campaign's: books-toys, christmas-trees,");
        error.Status.Detail.ShouldContain("max_price_pln must not be negative");

        (await Should.ThrowAsync<RpcException>(Client.SearchGiftsAsync(new SearchGiftsRequest { MinPricePln = 200, MaxPricePln = 100 }).ResponseAsync))
            .Status.Detail.ShouldBe("min_price_pln must not exceed max_price_pln");
        (await Should.ThrowAsync<RpcException>(Client.SearchGiftsAsync(new SearchGiftsRequest { PriceBand = "cheap" }).ResponseAsync))
            .Status.Detail.ShouldBe("price_band 'cheap' is not one of up-to-50, 50-150, 150-500, over-500");
        (await Should.ThrowAsync<RpcException>(Client.SearchGiftsAsync(new SearchGiftsRequest { Limit = 101 }).ResponseAsync))
            .StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task It_answers_over_grpc_web_as_over_grpc()
    {
        var request = new SearchGiftsRequest { Category = "delicacies", MaxPricePln = 40 };
        var web = await new GiftSearch.GiftSearchClient(fixture.Server.WebChannel).SearchGiftsAsync(request);
        web.ShouldBe(await Client.SearchGiftsAsync(request));
        web.Gifts.Select(g => g.Id).ShouldBe(["gingerbread-set", "honey-and-preserves", "poppy-seed-cake", "christmas-chocolates"]);
    }

    [Fact]
    public async Task Server_reflection_describes_it()
    {
        (await HotReloadSupport.ReflectedServicesAsync(fixture.Server.Channel)).ShouldContain("krakow.plugins.christmas.v1.GiftSearch");
        foreach (var symbol in new[] { "krakow.plugins.christmas.v1.GiftSearch", "krakow.plugins.christmas.v1.GiftSearch.SearchGifts", "krakow.plugins.christmas.v1.GiftIdea" })
        {
            var response = await HotReloadSupport.ReflectAsync(fixture.Server.Channel, new Reflection.ServerReflectionRequest { FileContainingSymbol = symbol });
            Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(response.FileDescriptorResponse.FileDescriptorProto[0]).Name.ShouldBe("gift_search.proto");
        }
    }

    public sealed class Host : IAsyncLifetime
    {
        internal PluginDirectory Plugins { get; } = new();

        internal PluginTestHost Server { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Plugins.CopyShipped("christmas-online");
            Server = await PluginTestHost.StartAsync(Plugins.Root, settings: new Dictionary<string, string?> { ["Maps:PluginWatch"] = "false" });
        }

        public async Task DisposeAsync()
        {
            await Server.DisposeAsync();
            Plugins.Dispose();
        }
    }
}
