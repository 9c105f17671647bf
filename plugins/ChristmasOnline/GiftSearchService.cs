using Grpc.Core;
using Krakow.Plugins.ChristmasOnline.V1;

namespace Krakow.Plugins.ChristmasOnline;

/// <summary>krakow.plugins.christmas.v1.GiftSearch: gift ideas of the Christmas map by category and price.</summary>
public sealed class GiftSearchService(GiftCatalogue catalogue) : GiftSearch.GiftSearchBase
{
    public const int MaxLimit = 100;

    public override Task<SearchGiftsResponse> SearchGifts(SearchGiftsRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        var problems = new List<string>();
        if (request.Category.Length > 0 && !catalogue.IsCategory(request.Category))
        {
            problems.Add($"category '{request.Category}' is not one of the campaign's: {string.Join(", ", catalogue.CategoryIds)}");
        }

        if (request.PriceBand.Length > 0 && !catalogue.IsBand(request.PriceBand))
        {
            problems.Add($"price_band '{request.PriceBand}' is not one of {string.Join(", ", catalogue.BandIds)}");
        }

        if (request.MaxPricePln < 0)
        {
            problems.Add("max_price_pln must not be negative");
        }

        if (request.MinPricePln < 0)
        {
            problems.Add("min_price_pln must not be negative");
        }

        if (request.MaxPricePln > 0 && request.MinPricePln > request.MaxPricePln)
        {
            problems.Add("min_price_pln must not exceed max_price_pln");
        }

        if (request.Limit is < 0 or > MaxLimit)
        {
            problems.Add($"limit must be between 0 and {MaxLimit}");
        }

        if (request.Text.Length > 200)
        {
            problems.Add("text is at most 200 characters");
        }

        if (problems.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, string.Join("; ", problems)));
        }

        var matches = catalogue.Search(request.Category, request.MaxPricePln, request.MinPricePln, request.PriceBand, request.Text);
        var response = new SearchGiftsResponse { TotalMatches = matches.Count };
        response.Gifts.Add(matches.Take(request.Limit == 0 ? int.MaxValue : request.Limit).Select(ToProto));
        return Task.FromResult(response);
    }

    private V1.GiftIdea ToProto(GiftIdea idea)
    {
        var category = catalogue.Category(idea.Category);
        return new V1.GiftIdea
        {
            Id = idea.Id,
            Category = idea.Category,
            CategoryNamePl = category.Name.Pl,
            CategoryNameEn = category.Name.En,
            NamePl = idea.Name.Pl,
            NameEn = idea.Name.En,
            MinPricePln = idea.MinPricePln,
            MaxPricePln = idea.MaxPricePln,
            PriceBand = catalogue.BandOf(idea.MinPricePln),
        };
    }
}
