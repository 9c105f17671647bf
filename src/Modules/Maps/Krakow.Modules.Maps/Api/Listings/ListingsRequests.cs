using System.Globalization;
using System.Text;
using Krakow.BuildingBlocks.Validation;
using Krakow.Maps.V1;
using Krakow.Modules.Maps.Application.Campaigns;
using Krakow.Modules.Maps.Application.Search;
using Krakow.Modules.Maps.Domain.Campaigns;

namespace Krakow.Modules.Maps.Api.Listings;

/// <summary>
/// Checks search requests, collecting every problem into one INVALID_ARGUMENT (google.rpc.BadRequest), and turns
/// them into the application's terms.
/// </summary>
/// <remarks>
/// Decisions: an unknown campaign id in <c>filter.campaign_ids</c> is INVALID_ARGUMENT on that element (like every
/// other input problem, so a caller learns all of them at once), not NOT_FOUND: nothing is being fetched by it. A
/// known campaign that is not open now is accepted and simply contributes no listings (its status follows the clock,
/// so a stored filter must not start failing the moment a campaign closes). A category id must be declared by one of
/// the filter's campaigns, or by any campaign of the catalogue when the filter names none.
/// </remarks>
internal static class ListingsRequests
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const double MinRadiusMeters = 1;
    public const double MaxRadiusMeters = 50_000;
    public const int MaxTextLength = 200;

    /// <summary>How many campaign ids, and how many category ids, a filter may list.</summary>
    public const int MaxFilterIds = 50;

    /// <summary>Adds violations for a missing point or coordinates that are not a WGS 84 position.</summary>
    public static bool RequirePoint(GeoPoint? point, string field, FieldViolations violations)
    {
        if (point is null)
        {
            violations.Add(field, "is required");
            return false;
        }

        var latitudeOk = RequireCoordinate(point.Latitude, 90, $"{field}.latitude", violations);
        var longitudeOk = RequireCoordinate(point.Longitude, 180, $"{field}.longitude", violations);
        return latitudeOk && longitudeOk;
    }

    public static void RequireRadius(double radius, FieldViolations violations)
    {
        if (!(double.IsFinite(radius) && radius >= MinRadiusMeters && radius <= MaxRadiusMeters))
        {
            violations.Add("radius_meters", $"must be between {MinRadiusMeters:0} and {MaxRadiusMeters:0} metres (got {Describe(radius)})");
        }
    }

    /// <summary>Checks a viewport: both corners, south not north of north, west not east of east (no antimeridian crossing).</summary>
    public static bool RequireViewport(BoundingBox? viewport, FieldViolations violations)
    {
        if (viewport is null)
        {
            violations.Add("viewport", "is required");
            return false;
        }

        var southWestOk = RequirePoint(viewport.SouthWest, "viewport.south_west", violations);
        var northEastOk = RequirePoint(viewport.NorthEast, "viewport.north_east", violations);
        if (!southWestOk || !northEastOk)
        {
            return false;
        }

        var ok = violations.Require(
            viewport.SouthWest.Latitude <= viewport.NorthEast.Latitude,
            "viewport.south_west.latitude",
            $"the south edge ({Describe(viewport.SouthWest.Latitude)}) is north of the north edge ({Describe(viewport.NorthEast.Latitude)})");
        ok &= violations.Require(
            viewport.SouthWest.Longitude <= viewport.NorthEast.Longitude,
            "viewport.south_west.longitude",
            $"the west edge ({Describe(viewport.SouthWest.Longitude)}) is east of the east edge ({Describe(viewport.NorthEast.Longitude)}): "
            + "viewports crossing the antimeridian (180°) are not supported; search the two sides as two viewports");
        return ok;
    }

    /// <summary>The page size to use: 0 means <see cref="DefaultPageSize"/>.</summary>
    public static int PageSize(int requested, FieldViolations violations)
    {
        if (requested is < 0 or > MaxPageSize)
        {
            violations.Add("page_size", $"must be between 1 and {MaxPageSize}, or 0 for the default of {DefaultPageSize} (got {requested})");
        }

        return requested == 0 ? DefaultPageSize : Math.Clamp(requested, 1, MaxPageSize);
    }

    /// <summary>The view to build hits in: unspecified means <see cref="ListingView.Basic"/>; a number the API does not define is a violation on <c>view</c>.</summary>
    public static ListingView View(ListingView requested, FieldViolations violations)
    {
        switch (requested)
        {
            case ListingView.Unspecified:
                return ListingView.Basic;
            case ListingView.Basic or ListingView.Full:
                return requested;
            default:
                violations.Add(
                    "view",
                    $"must be LISTING_VIEW_BASIC ({(int)ListingView.Basic}) or LISTING_VIEW_FULL ({(int)ListingView.Full}), or 0 for the basic view (got {(int)requested})");
                return ListingView.Basic;
        }
    }

    public static ListingFilterSpec Filter(ListingFilter? filter, ICampaignCatalog catalog, FieldViolations violations)
    {
        if (filter is null)
        {
            return ListingFilterSpec.None;
        }

        if (filter.CampaignIds.Count > MaxFilterIds || filter.CategoryIds.Count > MaxFilterIds)
        {
            violations.Require(filter.CampaignIds.Count <= MaxFilterIds, "filter.campaign_ids", $"must list at most {MaxFilterIds} ids (got {filter.CampaignIds.Count})");
            violations.Require(filter.CategoryIds.Count <= MaxFilterIds, "filter.category_ids", $"must list at most {MaxFilterIds} ids (got {filter.CategoryIds.Count})");
            return ListingFilterSpec.None;
        }

        var named = new List<CampaignSnapshot>();
        for (var i = 0; i < filter.CampaignIds.Count; i++)
        {
            var id = filter.CampaignIds[i];
            if (!violations.RequireId(id, $"filter.campaign_ids[{i}]"))
            {
                continue;
            }

            if (catalog.Find(id) is { } campaign)
            {
                named.Add(campaign);
            }
            else
            {
                violations.Add($"filter.campaign_ids[{i}]", $"'{id}' is not a campaign");
            }
        }

        var scope = filter.CampaignIds.Count > 0 ? named : catalog.Campaigns;
        for (var i = 0; i < filter.CategoryIds.Count; i++)
        {
            var id = filter.CategoryIds[i];
            if (!violations.RequireId(id, $"filter.category_ids[{i}]"))
            {
                continue;
            }

            if (!scope.Any(c => c.Definition.Categories.Any(category => category.Id == id)))
            {
                var where = filter.CampaignIds.Count > 0
                    ? "a category of " + (named.Count == 0 ? "the named campaigns" : string.Join(", ", named.Select(c => $"'{c.Id}'")))
                    : "a category of any campaign";
                violations.Add($"filter.category_ids[{i}]", $"'{id}' is not {where}");
            }
        }

        var textLength = filter.Text.Length <= MaxTextLength ? filter.Text.Length : filter.Text.EnumerateRunes().Count();
        if (textLength > MaxTextLength)
        {
            violations.Add("filter.text", $"must be at most {MaxTextLength} characters (got {textLength})");
        }

        return new ListingFilterSpec(
            [.. filter.CampaignIds.Distinct(StringComparer.Ordinal)],
            [.. filter.CategoryIds.Distinct(StringComparer.Ordinal)],
            textLength <= MaxTextLength ? TextFolding.Words(filter.Text) : [],
            filter.OnlyOrdersOnline,
            filter.OnlyDelivers);
    }

    /// <summary>The cursor of a page token (null for the first page); adds a violation on <c>page_token</c> when it is not valid for this query.</summary>
    public static PageCursor? Cursor(PageTokens.Signer signer, string token, PageTokenKind kind, Lazy<byte[]> fingerprint, FieldViolations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        switch (signer.TryRead(token, kind, fingerprint.Value, out var cursor))
        {
            case PageTokenError.None:
                return cursor;
            case PageTokenError.OtherQuery:
                violations.Add(
                    "page_token",
                    "was issued for a different search: send the same "
                    + (kind == PageTokenKind.Nearby ? "center, radius_meters" : "viewport")
                    + " and filter as for the first page (only page_size and view may change)");
                return null;
            default:
                violations.Add("page_token", "is not a page token this service issued (it was altered, or signed with another key)");
                return null;
        }
    }

    /// <summary>
    /// What identifies a nearby search for its page tokens: exact coordinates, radius and the normalised filter. Not
    /// page_size nor view: they shape a page, not which listings the search finds, so they may change between pages.
    /// </summary>
    public static string Canonical(SearchNearbyRequest request, ListingFilterSpec filter) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"nearby|{Bits(request.Center?.Latitude)}|{Bits(request.Center?.Longitude)}|{Bits(request.RadiusMeters)}|{Canonical(filter)}");

    public static string Canonical(SearchViewportRequest request, ListingFilterSpec filter) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"viewport|{Bits(request.Viewport?.SouthWest?.Latitude)}|{Bits(request.Viewport?.SouthWest?.Longitude)}|{Bits(request.Viewport?.NorthEast?.Latitude)}|{Bits(request.Viewport?.NorthEast?.Longitude)}|{Canonical(filter)}");

    public static string Describe(double value) =>
        double.IsNaN(value) ? "NaN"
        : double.IsPositiveInfinity(value) ? "Infinity"
        : double.IsNegativeInfinity(value) ? "-Infinity"
        : value.ToString("R", CultureInfo.InvariantCulture);

    // Messages are formatted only for a violation: a valid request (the common case) formats nothing.
    private static bool RequireCoordinate(double value, double limit, string field, FieldViolations violations)
    {
        if (double.IsFinite(value) && value >= -limit && value <= limit)
        {
            return true;
        }

        violations.Add(
            field,
            double.IsFinite(value)
                ? $"must be between {-limit} and {limit} degrees (got {Describe(value)})"
                : $"must be a finite number of degrees (got {Describe(value)})");
        return false;
    }

    private static string Canonical(ListingFilterSpec filter)
    {
        var text = new StringBuilder();
        text.Append("c=").AppendJoin('\u001f', filter.CampaignIds.Order(StringComparer.Ordinal));
        text.Append("|k=").AppendJoin('\u001f', filter.CategoryIds.Order(StringComparer.Ordinal));
        text.Append("|t=").AppendJoin(' ', filter.Words.Order(StringComparer.Ordinal));
        text.Append("|o=").Append(filter.OnlyOrdersOnline ? '1' : '0');
        text.Append("|d=").Append(filter.OnlyDelivers ? '1' : '0');
        return text.ToString();
    }

    private static string Bits(double? value) => value is { } v ? BitConverter.DoubleToInt64Bits(v).ToString("x16", CultureInfo.InvariantCulture) : "-";
}
