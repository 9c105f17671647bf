using System.Text.Json;
using Krakow.BuildingBlocks.Messaging;
using Krakow.BuildingBlocks.Messaging.Outbox;
using Krakow.BuildingBlocks.Tests.Persistence.TestModule;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Shouldly;

namespace Krakow.BuildingBlocks.Tests.Messaging;

public sealed class IntegrationEventRegistryTests
{
    [Fact]
    public void Handlers_are_registered_scoped_once_each_in_registration_order()
    {
        var services = new ServiceCollection();
        services.AddIntegrationEventHandler<ItemCreated, RecordingHandler>();
        services.AddIntegrationEventHandler<ItemCreated, FlakyHandler>();
        services.AddIntegrationEventHandler<ItemCreated, RecordingHandler>();
        using var provider = services.BuildServiceProvider();

        var registry = provider.GetRequiredService<IntegrationEventRegistry>();
        registry.HandlersFor(typeof(ItemCreated).FullName!).Select(h => h.HandlerType).ShouldBe([typeof(RecordingHandler), typeof(FlakyHandler)]);
        services.Single(d => d.ServiceType == typeof(RecordingHandler)).Lifetime.ShouldBe(ServiceLifetime.Scoped);
    }

    [Fact]
    public void A_stored_type_name_is_only_resolved_among_registered_event_types()
    {
        var services = new ServiceCollection();
        services.AddIntegrationEventHandler<ItemCreated, RecordingHandler>();
        using var provider = services.BuildServiceProvider();
        var registry = provider.GetRequiredService<IntegrationEventRegistry>();

        registry.HandlersFor(typeof(ItemArchived).FullName!).ShouldBeEmpty();
        registry.HandlersFor("System.IO.FileInfo").ShouldBeEmpty();
        Should.Throw<InvalidOperationException>(() => registry.Deserialize("System.IO.FileInfo", "{}"));

        var created = new ItemCreated(Guid.NewGuid(), "Wawel");
        var json = JsonSerializer.Serialize(created, new JsonSerializerOptions(JsonSerializerDefaults.Web));
        registry.Deserialize(typeof(ItemCreated).FullName!, json).ShouldBe(created);
    }

    [Fact]
    public void Retries_back_off_exponentially_up_to_the_cap()
    {
        var options = Options.Create(new OutboxOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromMinutes(5) });
        var processor = new OutboxProcessor<TestDbContext>(
            new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(),
            new IntegrationEventRegistry([]),
            options,
            TimeProvider.System,
            NullLogger<OutboxProcessor<TestDbContext>>.Instance);

        processor.Backoff(1).TotalSeconds.ShouldBeInRange(0.8, 1.2);
        processor.Backoff(2).TotalSeconds.ShouldBeInRange(1.6, 2.4);
        processor.Backoff(5).TotalSeconds.ShouldBeInRange(12.8, 19.2);
        processor.Backoff(30).ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(5));
        processor.Backoff(30).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMinutes(4));
        processor.Backoff(int.MaxValue).ShouldBeLessThanOrEqualTo(TimeSpan.FromMinutes(5));
    }
}
