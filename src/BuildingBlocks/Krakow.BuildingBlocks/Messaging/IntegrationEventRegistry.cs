using System.Text.Json;
using Krakow.BuildingBlocks.Contracts.Events;

namespace Krakow.BuildingBlocks.Messaging;

/// <summary>One handler registered for one event type, with a typed call that needs no reflection.</summary>
internal sealed class IntegrationEventHandlerRegistration(
    Type eventType, Type handlerType, Func<object, IntegrationEvent, CancellationToken, Task> invoke)
{
    public Type EventType { get; } = eventType;

    public Type HandlerType { get; } = handlerType;

    /// <summary>The handler's name in the delivery table.</summary>
    public string HandlerName { get; } = IntegrationEventTypes.NameOf(handlerType);

    public Task InvokeAsync(object handler, IntegrationEvent integrationEvent, CancellationToken cancellationToken) =>
        invoke(handler, integrationEvent, cancellationToken);
}

/// <summary>
/// The event types with handlers, by their stored names, and their handlers in registration order. An outbox row
/// is turned back into an event only through this registry: a type name read from the database is looked up here,
/// never loaded by name, so a row can name only a type some module registered a handler for.
/// </summary>
internal sealed class IntegrationEventRegistry
{
    private readonly Dictionary<string, (Type EventType, IReadOnlyList<IntegrationEventHandlerRegistration> Handlers)> _byName;

    public IntegrationEventRegistry(IEnumerable<IntegrationEventHandlerRegistration> registrations)
    {
        _byName = new Dictionary<string, (Type, IReadOnlyList<IntegrationEventHandlerRegistration>)>(StringComparer.Ordinal);
        foreach (var group in registrations.GroupBy(r => r.EventType))
        {
            var name = IntegrationEventTypes.NameOf(group.Key);
            if (_byName.TryGetValue(name, out var existing))
            {
                throw new InvalidOperationException(
                    $"Two integration event types are both named {name} ({existing.EventType.Assembly.GetName().Name} and {group.Key.Assembly.GetName().Name}).");
            }

            var handlers = group.DistinctBy(r => r.HandlerType).ToList();
            _byName.Add(name, (group.Key, handlers));
        }
    }

    /// <summary>The handlers of the event type stored under <paramref name="typeName"/>; none if no handler is registered.</summary>
    public IReadOnlyList<IntegrationEventHandlerRegistration> HandlersFor(string typeName) =>
        _byName.TryGetValue(typeName, out var entry) ? entry.Handlers : [];

    /// <summary>Reads a stored payload as the registered event type named <paramref name="typeName"/>.</summary>
    /// <exception cref="JsonException">The payload is not that event.</exception>
    public IntegrationEvent Deserialize(string typeName, string payload)
    {
        if (!_byName.TryGetValue(typeName, out var entry))
        {
            throw new InvalidOperationException($"No handler is registered for integration event type {typeName}.");
        }

        return JsonSerializer.Deserialize(payload, entry.EventType, IntegrationEventTypes.SerializerOptions) as IntegrationEvent
            ?? throw new JsonException($"The payload is null, not a {typeName}.");
    }
}
