namespace Krakow.Plugins.Sdk;

/// <summary>Where an applicant must be: inside at least one of the areas.</summary>
public sealed record Eligibility(LocalizedText AreaDescription, IReadOnlyList<GeoArea> Areas);

/// <summary>A WGS 84 point in decimal degrees.</summary>
public readonly record struct GeoPosition(double Latitude, double Longitude);

/// <summary>An area on the map.</summary>
public abstract record GeoArea
{
    public abstract bool Contains(GeoPosition position);
}

/// <summary>A simple polygon (no holes), given by its vertices in order; it need not repeat the first vertex.</summary>
public sealed record PolygonArea(IReadOnlyList<GeoPosition> Vertices) : GeoArea
{
    public override bool Contains(GeoPosition position)
    {
        // Ray casting in the plane of longitude/latitude: exact enough for city-sized areas away from the poles.
        var inside = false;
        for (int i = 0, j = Vertices.Count - 1; i < Vertices.Count; j = i++)
        {
            var a = Vertices[i];
            var b = Vertices[j];
            if ((a.Latitude > position.Latitude) != (b.Latitude > position.Latitude)
                && position.Longitude < ((b.Longitude - a.Longitude) * (position.Latitude - a.Latitude) / (b.Latitude - a.Latitude)) + a.Longitude)
            {
                inside = !inside;
            }
        }

        return inside;
    }
}

/// <summary>Everything within <paramref name="RadiusMeters"/> of a centre (great-circle distance).</summary>
public sealed record CircleArea(GeoPosition Center, double RadiusMeters) : GeoArea
{
    public override bool Contains(GeoPosition position) => GeoDistance.Meters(Center, position) <= RadiusMeters;
}

/// <summary>Great-circle distance on a sphere of the Earth's mean radius.</summary>
public static class GeoDistance
{
    public const double EarthRadiusMeters = 6_371_008.8;

    public static double Meters(GeoPosition a, GeoPosition b)
    {
        var lat1 = double.DegreesToRadians(a.Latitude);
        var lat2 = double.DegreesToRadians(b.Latitude);
        var dLat = lat2 - lat1;
        var dLon = double.DegreesToRadians(b.Longitude - a.Longitude);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1) * Math.Cos(lat2) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
