using System.Text.Json;

namespace Krakow.BuildingBlocks.Messaging;

/// <summary>How integration events are named and serialized in outbox rows.</summary>
internal static class IntegrationEventTypes
{
    /// <summary>Fixed options: changing them would change how stored payloads are read.</summary>
    public static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web);

    /// <summary>The name stored for an event or handler type: its full CLR name (namespace and type, no assembly).</summary>
    public static string NameOf(Type type) =>
        type.FullName ?? throw new ArgumentException($"Type {type} has no full name (generic parameter or open generic?).", nameof(type));
}
