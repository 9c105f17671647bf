using Krakow.BuildingBlocks.Contracts.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Krakow.BuildingBlocks.Messaging;

public static class IntegrationEventServiceCollectionExtensions
{
    /// <summary>
    /// Subscribes <typeparamref name="THandler"/> (registered scoped; each delivery runs in a fresh scope) to
    /// <typeparamref name="TEvent"/>, an event from some module's Contracts. Whichever module publishes the event,
    /// its outbox dispatcher delivers it to this handler at least once; the handler must tolerate a repeat (use
    /// <see cref="IntegrationEvent.EventId"/>). Registering the event type here is also what lets dispatchers read
    /// it back from an outbox: they never load a type named in the database.
    /// </summary>
    public static IServiceCollection AddIntegrationEventHandler<TEvent, THandler>(this IServiceCollection services)
        where TEvent : IntegrationEvent
        where THandler : class, IIntegrationEventHandler<TEvent>
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddScoped<THandler>();
        services.AddSingleton(new IntegrationEventHandlerRegistration(
            typeof(TEvent),
            typeof(THandler),
            static (handler, integrationEvent, cancellationToken) =>
                ((THandler)handler).HandleAsync((TEvent)integrationEvent, cancellationToken)));
        services.AddOutboxServices();
        return services;
    }

    /// <summary>What every outbox dispatcher shares: the event registry, options and clock.</summary>
    internal static IServiceCollection AddOutboxServices(this IServiceCollection services)
    {
        services.TryAddSingleton<IntegrationEventRegistry>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<OutboxOptions>();
        services.AddLogging();
        return services;
    }
}
