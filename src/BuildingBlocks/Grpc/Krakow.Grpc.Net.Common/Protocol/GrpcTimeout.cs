using System.Globalization;

namespace Grpc.Net.Protocol;

/// <summary>The <c>grpc-timeout</c> header: at most eight ASCII digits and a unit (H M S m u n).</summary>
internal static class GrpcTimeout
{
    private const long MaxValue = 99_999_999;

    /// <summary>Parses a header value; false when it breaks the grammar.</summary>
    public static bool TryParse(string? value, out TimeSpan timeout)
    {
        timeout = default;
        if (value is null || value.Length < 2 || value.Length > 9)
        {
            return false;
        }

        var digits = value.AsSpan(0, value.Length - 1);
        foreach (var c in digits)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        var amount = long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture);
        long? ticks = value[^1] switch
        {
            'H' => amount * TimeSpan.TicksPerHour,
            'M' => amount * TimeSpan.TicksPerMinute,
            'S' => amount * TimeSpan.TicksPerSecond,
            'm' => amount * TimeSpan.TicksPerMillisecond,
            'u' => amount * TimeSpan.TicksPerMicrosecond,
            'n' => amount / 100,
            _ => null,
        };
        if (ticks is null)
        {
            return false;
        }

        timeout = TimeSpan.FromTicks(ticks.Value);
        return true;
    }

    /// <summary>Formats a remaining time in the finest unit whose value fits in eight digits.</summary>
    public static string Format(TimeSpan timeout)
    {
        var ticks = Math.Max(0, timeout.Ticks);
        var nanos = (decimal)ticks * 100;
        foreach (var (unit, perUnit) in Units)
        {
            var amount = Math.Ceiling(nanos / perUnit);
            if (amount <= MaxValue)
            {
                return ((long)amount).ToString(CultureInfo.InvariantCulture) + unit;
            }
        }

        return MaxValue.ToString(CultureInfo.InvariantCulture) + "H";
    }

    private static readonly (char Unit, decimal NanosPerUnit)[] Units =
    [
        ('n', 1m), ('u', 1_000m), ('m', 1_000_000m), ('S', 1_000_000_000m), ('M', 60_000_000_000m), ('H', 3_600_000_000_000m),
    ];
}
