using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Krakow.Modules.Maps.Infrastructure.Persistence;

/// <summary>Stores a value as JSON text; two values are equal when their JSON is.</summary>
internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static ValueConverter<T, string> Converter<T>() =>
        new(value => JsonSerializer.Serialize(value, Options), json => JsonSerializer.Deserialize<T>(json, Options)!);

    public static ValueComparer<T> Comparer<T>() =>
        new(
            (a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
            value => JsonSerializer.Serialize(value, Options).GetHashCode(StringComparison.Ordinal),
            value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, Options), Options)!);
}

/// <summary>Times are kept in UTC; SQLite hands DateTime back unspecified, so reads mark it UTC.</summary>
internal static class UtcColumn
{
    public static ValueConverter<DateTime, DateTime> Converter { get; } =
        new(value => value, value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
}
