namespace Krakow.Modules.Maps.Tests.Search;

/// <summary>
/// An independent great-circle distance for checking the service: the spherical law of cosines on unit vectors
/// (a different formula from the haversine the service uses), on the same mean Earth radius (IUGG, 6 371 008.8 m).
/// </summary>
internal static class GreatCircle
{
    private const double EarthRadius = 6_371_008.8;

    public static double Meters(double lat1, double lon1, double lat2, double lon2)
    {
        var (x1, y1, z1) = Unit(lat1, lon1);
        var (x2, y2, z2) = Unit(lat2, lon2);
        // atan2(|a×b|, a·b) is well conditioned for small and large angles alike.
        var cx = (y1 * z2) - (z1 * y2);
        var cy = (z1 * x2) - (x1 * z2);
        var cz = (x1 * y2) - (y1 * x2);
        var cross = Math.Sqrt((cx * cx) + (cy * cy) + (cz * cz));
        var dot = (x1 * x2) + (y1 * y2) + (z1 * z2);
        return EarthRadius * Math.Atan2(cross, dot);
    }

    /// <summary>The point <paramref name="meters"/> away from (lat, lon) on the given initial bearing (degrees from north).</summary>
    public static (double Latitude, double Longitude) Destination(double lat, double lon, double bearingDegrees, double meters)
    {
        var d = meters / EarthRadius;
        var phi1 = lat * Math.PI / 180;
        var lambda1 = lon * Math.PI / 180;
        var theta = bearingDegrees * Math.PI / 180;
        var phi2 = Math.Asin((Math.Sin(phi1) * Math.Cos(d)) + (Math.Cos(phi1) * Math.Sin(d) * Math.Cos(theta)));
        var lambda2 = lambda1 + Math.Atan2(Math.Sin(theta) * Math.Sin(d) * Math.Cos(phi1), Math.Cos(d) - (Math.Sin(phi1) * Math.Sin(phi2)));
        var lon2 = (lambda2 * 180 / Math.PI) + 540;
        return (phi2 * 180 / Math.PI, (lon2 % 360) - 180);
    }

    private static (double X, double Y, double Z) Unit(double lat, double lon)
    {
        var phi = lat * Math.PI / 180;
        var lambda = lon * Math.PI / 180;
        return (Math.Cos(phi) * Math.Cos(lambda), Math.Cos(phi) * Math.Sin(lambda), Math.Sin(phi));
    }
}
