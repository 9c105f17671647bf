namespace Krakow.Modules.Maps.Application.Search;

/// <summary>Where browsers fetch a listing's offer image: a path on the web port (plain HTTP GET).</summary>
internal static class ListingsImagePaths
{
    /// <summary>Must agree with the route the offer images are served on (the Images API).</summary>
    public const string OfferImagePrefix = "/maps/images/";

    public static string OfferImageUrl(string imageId) => imageId.Length == 0 ? string.Empty : OfferImagePrefix + imageId;
}
