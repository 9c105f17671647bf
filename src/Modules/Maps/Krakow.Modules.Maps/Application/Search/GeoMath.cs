using Krakow.Plugins.Sdk;

namespace Krakow.Modules.Maps.Application.Search;

/// <summary>
/// Great-circle geometry on the sphere of <see cref="GeoDistance.EarthRadiusMeters"/>, as the SDK's haversine
/// (<see cref="GeoDistance.Meters"/>) computes it, arranged for the hot loop of a search: each point is kept as a
/// unit vector, so comparing a point with the centre costs three subtractions and multiplications, no
/// trigonometry. The squared chord c² between two unit vectors is exactly 4·hav(θ) (θ the central angle), so
/// ordering by c² is ordering by distance, and the distance is 2R·asin(c/2), the haversine formula's own.
/// </summary>
internal static class GeoMath
{
    public const double EarthRadiusMeters = GeoDistance.EarthRadiusMeters;

    /// <summary>Metres per degree of latitude (and of longitude on the equator).</summary>
    public const double MetersPerDegree = Math.PI * EarthRadiusMeters / 180;

    /// <summary>The unit vector of a position in degrees.</summary>
    public static (double X, double Y, double Z) UnitVector(double latitude, double longitude)
    {
        var (sinLat, cosLat) = Math.SinCos(double.DegreesToRadians(latitude));
        var (sinLon, cosLon) = Math.SinCos(double.DegreesToRadians(longitude));
        return (cosLat * cosLon, cosLat * sinLon, sinLat);
    }

    /// <summary>The squared chord between two unit vectors (0 to 4).</summary>
    public static double ChordSquared(double x1, double y1, double z1, double x2, double y2, double z2)
    {
        var dx = x1 - x2;
        var dy = y1 - y2;
        var dz = z1 - z2;
        return (dx * dx) + (dy * dy) + (dz * dz);
    }

    /// <summary>The great-circle distance, in metres, of a squared chord.</summary>
    public static double Meters(double chordSquared) => 2 * EarthRadiusMeters * Math.Asin(Math.Min(1, Math.Sqrt(chordSquared) / 2));

    /// <summary>The squared chord of a great-circle distance.</summary>
    public static double ChordSquaredOf(double meters)
    {
        var half = Math.Sin(Math.Min(Math.PI / 2, meters / (2 * EarthRadiusMeters)));
        return 4 * half * half;
    }

    /// <summary>
    /// A latitude/longitude box that contains every point within <paramref name="meters"/> of the centre (the
    /// exact extent of a spherical cap, slightly widened for rounding). When the cap reaches a pole every longitude
    /// is in; <see cref="CircleBox.CrossesAntimeridian"/> tells the caller to search both sides of 180°.
    /// </summary>
    public static CircleBox BoxAround(double latitude, double longitude, double meters)
    {
        const double slackDegrees = 1e-9;
        var angular = meters / EarthRadiusMeters;
        var dLat = double.RadiansToDegrees(angular) + slackDegrees;
        var south = latitude - dLat;
        var north = latitude + dLat;
        if (south <= -90 || north >= 90)
        {
            return new CircleBox(Math.Max(south, -90), Math.Min(north, 90), -180, 180, false);
        }

        var cosLat = Math.Cos(double.DegreesToRadians(latitude));
        var sinRatio = Math.Sin(angular) / cosLat;
        if (sinRatio >= 1)
        {
            return new CircleBox(south, north, -180, 180, false);
        }

        var dLon = double.RadiansToDegrees(Math.Asin(sinRatio)) + slackDegrees;
        var west = longitude - dLon;
        var east = longitude + dLon;
        if (west < -180)
        {
            return new CircleBox(south, north, west + 360, east, true);
        }

        if (east > 180)
        {
            return new CircleBox(south, north, west, east - 360, true);
        }

        return new CircleBox(south, north, west, east, false);
    }
}

/// <summary>
/// A box in degrees. When <see cref="CrossesAntimeridian"/>, it spans <see cref="West"/> to 180 and -180 to
/// <see cref="East"/> (so <see cref="West"/> &gt; <see cref="East"/>).
/// </summary>
internal readonly record struct CircleBox(double South, double North, double West, double East, bool CrossesAntimeridian);
