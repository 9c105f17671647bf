using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Krakow.Modules.Maps.Application.Search;

namespace Krakow.Modules.Maps.Infrastructure.Search;

/// <summary>
/// Writes listings as one RFC 7946 GeoJSON FeatureCollection, incrementally: a <see cref="Utf8JsonWriter"/> writes
/// feature after feature into a buffer that is cut into chunks of exactly <see cref="ChunkSize"/> bytes (the last
/// one shorter), so at most about one chunk and one feature are held at a time, and the same listings always give
/// the same chunks (a cached export can be resumed chunk by chunk).
/// </summary>
internal static class GeoJsonChunks
{
    public const int ChunkSize = 64 * 1024;

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // UTF-8 as is (only what JSON requires is escaped): "Złota" stays "Złota", not "Z\u0142ota".
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = false,
    };

    /// <summary>The document's chunks; <paramref name="imageUrl"/> gives the offer image's path for an image id.</summary>
    public static IEnumerable<byte[]> Write(IEnumerable<IndexedListing> listings, Func<string, string> imageUrl)
    {
        var buffer = new ChunkBuffer();
        using var json = new Utf8JsonWriter(buffer, WriterOptions);
        json.WriteStartObject();
        json.WriteString("type", "FeatureCollection");
        json.WriteStartArray("features");
        foreach (var listing in listings)
        {
            WriteFeature(json, listing, imageUrl);
            json.Flush();
            while (buffer.TakeChunk() is { } chunk)
            {
                yield return chunk;
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.Flush();
        while (buffer.TakeChunk() is { } chunk)
        {
            yield return chunk;
        }

        if (buffer.TakeRest() is { } rest)
        {
            yield return rest;
        }
    }

    private static void WriteFeature(Utf8JsonWriter json, IndexedListing listing, Func<string, string> imageUrl)
    {
        var row = listing.Row;
        json.WriteStartObject();
        json.WriteString("type", "Feature");
        json.WriteString("id", row.Id);
        json.WriteStartObject("geometry");
        json.WriteString("type", "Point");
        json.WriteStartArray("coordinates");
        WriteCoordinate(json, row.Longitude); // RFC 7946 §3.1.1: longitude first
        WriteCoordinate(json, row.Latitude);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartObject("properties");
        json.WriteString("id", row.Id);
        json.WriteString("name", row.Name);
        json.WriteString("category", row.CategoryId);
        json.WriteString("campaign", row.CampaignId);
        json.WriteString("source_campaign", row.SourceCampaignId);
        json.WriteStartObject("address");
        json.WriteString("street", row.Street);
        json.WriteString("building_number", row.BuildingNumber);
        json.WriteString("postal_code", row.PostalCode);
        json.WriteString("city", row.City);
        json.WriteEndObject();
        json.WriteBoolean("orders_online", row.OrdersOnline);
        json.WriteBoolean("delivers", row.Delivers);
        WriteOptionalString(json, "website", row.Website);
        WriteOptionalString(json, "phone", row.Phone);
        WriteOptionalString(json, "description", row.Description);
        WriteOptionalString(json, "offer_image_url", row.OfferImageId.Length == 0 ? string.Empty : imageUrl(row.OfferImageId));
        json.WriteString("updated_at", row.UpdatedAt.ToUniversalTime());
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>At most 7 decimals (about 1 cm), as RFC 7946 §11.2 suggests; written as the decimal it rounds to.</summary>
    private static void WriteCoordinate(Utf8JsonWriter json, double degrees) =>
        json.WriteNumberValue(decimal.Round((decimal)degrees, 7, MidpointRounding.AwayFromZero));

    private static void WriteOptionalString(Utf8JsonWriter json, string name, string value)
    {
        if (value.Length == 0)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    /// <summary>An <see cref="IBufferWriter{T}"/> that hands out what was written in chunks of exactly <see cref="ChunkSize"/> bytes.</summary>
    private sealed class ChunkBuffer : IBufferWriter<byte>
    {
        private byte[] buffer = new byte[ChunkSize * 2];
        private int length;

        public void Advance(int count) => length += count;

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsMemory(length);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            Ensure(sizeHint);
            return buffer.AsSpan(length);
        }

        /// <summary>The next full chunk, or null while less than a chunk is buffered.</summary>
        public byte[]? TakeChunk()
        {
            if (length < ChunkSize)
            {
                return null;
            }

            var chunk = buffer.AsSpan(0, ChunkSize).ToArray();
            buffer.AsSpan(ChunkSize, length - ChunkSize).CopyTo(buffer);
            length -= ChunkSize;
            return chunk;
        }

        /// <summary>Whatever is left (less than a chunk), or null when nothing is.</summary>
        public byte[]? TakeRest()
        {
            if (length == 0)
            {
                return null;
            }

            var rest = buffer.AsSpan(0, length).ToArray();
            length = 0;
            return rest;
        }

        private void Ensure(int sizeHint)
        {
            var needed = length + Math.Max(sizeHint, 256);
            if (needed > buffer.Length)
            {
                Array.Resize(ref buffer, Math.Max(needed, buffer.Length * 2));
            }
        }
    }
}
