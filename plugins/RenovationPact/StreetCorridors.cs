using Krakow.Plugins.Sdk;

namespace Krakow.Plugins.RenovationPact;

/// <summary>
/// The streets under renovation, as corridors: a polygon about <see cref="HalfWidthMeters"/> either side of each
/// street's axis, so the buildings on both frontages (and their corners) are in, and the next street over is not.
/// The axes are HAND-PICKED APPROXIMATIONS of the streets' centre lines (a few points each, read off a map to
/// within some 10–20 m), not surveyed geometry: good for "is this business on the street under renovation", nothing
/// finer. Replace them with the city's GIS data (msip.krakow.pl) for a real roll-out.
/// </summary>
internal static class StreetCorridors
{
    public const double HalfWidthMeters = 45;

    /// <summary>ul. Floriana Straszewskiego, north to south: from the Piłsudskiego / Podwale junction along the western Planty, past the Philharmonic, to Podzamcze under Wawel.</summary>
    public static IReadOnlyList<GeoPosition> StraszewskiegoAxis { get; } =
    [
        new(50.06040, 19.93180), // junction with ul. Piłsudskiego and ul. Podwale
        new(50.05900, 19.93250),
        new(50.05770, 19.93320), // the Philharmonic: ul. Zwierzyniecka / ul. Franciszkańska
        new(50.05640, 19.93400),
        new(50.05530, 19.93490), // ul. Podzamcze, under Wawel
    ];

    /// <summary>ul. Józefa Piłsudskiego, east to west: from the Planty at ul. Straszewskiego to the Błonia.</summary>
    public static IReadOnlyList<GeoPosition> PilsudskiegoAxis { get; } =
    [
        new(50.06040, 19.93180), // ul. Straszewskiego, by the Planty
        new(50.05960, 19.92900), // ul. Wygrana / ul. Retoryka
        new(50.05870, 19.92580),
        new(50.05800, 19.92300), // al. Krasińskiego
        new(50.05760, 19.92000), // the Błonia, by the Oleandry
    ];

    public static PolygonArea Straszewskiego { get; } = Along(StraszewskiegoAxis, HalfWidthMeters);

    public static PolygonArea Pilsudskiego { get; } = Along(PilsudskiegoAxis, HalfWidthMeters);

    /// <summary>
    /// The corridor <paramref name="halfWidthMeters"/> either side of a polyline: the left edge forward, then the right
    /// edge back. Each end is extended by the half width (a square cap), and each bend uses the bisector of the
    /// two segments' normals, lengthened so the corridor keeps its width (bends here are gentle). Worked in a local
    /// flat projection around the first point, which is exact to centimetres over a kilometre.
    /// </summary>
    public static PolygonArea Along(IReadOnlyList<GeoPosition> axis, double halfWidthMeters)
    {
        var origin = axis[0];
        var metersPerDegreeLatitude = GeoDistance.EarthRadiusMeters * Math.PI / 180;
        var metersPerDegreeLongitude = metersPerDegreeLatitude * Math.Cos(double.DegreesToRadians(origin.Latitude));
        var points = axis
            .Select(p => ((p.Longitude - origin.Longitude) * metersPerDegreeLongitude, (p.Latitude - origin.Latitude) * metersPerDegreeLatitude))
            .ToArray();

        var count = points.Length;
        var left = new GeoPosition[count];
        var right = new GeoPosition[count];
        for (var i = 0; i < count; i++)
        {
            var (x, y) = points[i];
            var before = Direction(points[Math.Max(i - 1, 0)], points[Math.Max(i, 1)]);
            var after = Direction(points[Math.Min(i, count - 2)], points[Math.Min(i + 1, count - 1)]);

            // The bisector of the two segments' left normals, scaled by 1 / cos(half the turn).
            var (nx, ny) = (-(before.Y + after.Y) / 2, (before.X + after.X) / 2);
            var length = Math.Sqrt((nx * nx) + (ny * ny));
            var scale = halfWidthMeters / (length * length);
            (nx, ny) = (nx * scale, ny * scale);

            // Square caps: the first and last points move outwards along the street.
            if (i == 0)
            {
                (x, y) = (x - (after.X * halfWidthMeters), y - (after.Y * halfWidthMeters));
            }
            else if (i == count - 1)
            {
                (x, y) = (x + (before.X * halfWidthMeters), y + (before.Y * halfWidthMeters));
            }

            left[i] = ToGeo(x + nx, y + ny);
            right[i] = ToGeo(x - nx, y - ny);
        }

        return new PolygonArea([.. left, .. right.Reverse()]);

        GeoPosition ToGeo(double x, double y) =>
            new(origin.Latitude + (y / metersPerDegreeLatitude), origin.Longitude + (x / metersPerDegreeLongitude));
    }

    private static (double X, double Y) Direction((double X, double Y) from, (double X, double Y) to)
    {
        var (dx, dy) = (to.X - from.X, to.Y - from.Y);
        var length = Math.Sqrt((dx * dx) + (dy * dy));
        return (dx / length, dy / length);
    }
}
