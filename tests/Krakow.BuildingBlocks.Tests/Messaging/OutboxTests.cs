using Krakow.BuildingBlocks.Messaging;
using Krakow.BuildingBlocks.Messaging.Outbox;
using Krakow.BuildingBlocks.Persistence;
using Krakow.BuildingBlocks.Tests.Infrastructure;
using Krakow.BuildingBlocks.Tests.Persistence.TestModule;
using Krakow.BuildingBlocks.Tests.Persistence.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit.Abstractions;

namespace Krakow.BuildingBlocks.Tests.Messaging;

/// <summary>The outbox on SQLite and on PostgreSQL: publishing with a change, delivery, retries, restarts, several hosts.</summary>
public abstract class OutboxTests(ITestDatabaseServer server, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Recording = nameof(RecordingHandler);
    private const string Flaky = nameof(FlakyHandler);

    private readonly OutboxProbe _probe = new();
    private TestDatabase? _database;

    private TestDatabase Database => _database ?? throw new InvalidOperationException("not initialised");

    public async Task InitializeAsync() => _database = await server.CreateDatabaseAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_event_saved_with_its_change_reaches_every_handler_once_each_in_a_scope_of_its_own()
    {
        await using var host = await Create().StartAsync();

        var item = new Item { Name = "Wawel" };
        var created = new ItemCreated(item.Id, item.Name);
        await host.InScopeAsync(async db =>
        {
            db.Items.Add(item);
            db.Publish(created);
            await db.SaveChangesAsync();
        });

        var message = await WaitUntilProcessedAsync(host, created.EventId);
        message.Attempts.ShouldBe(0);
        message.Type.ShouldBe(typeof(ItemCreated).FullName);
        _probe.Calls.Select(c => (c.Handler, c.EventId, c.Succeeded)).OrderBy(c => c.Handler)
            .ShouldBe([(Flaky, created.EventId, true), (Recording, created.EventId, true)]);
        _probe.Calls.Select(c => c.Scope).Distinct().Count().ShouldBe(2);
        (await DeliveriesAsync(host, created.EventId)).ShouldBe([typeof(FlakyHandler).FullName!, typeof(RecordingHandler).FullName!], ignoreOrder: true);
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_neither_the_change_nor_the_event()
    {
        await using var host = await Create().StartAsync();

        var item = new Item { Name = "Barbakan" };
        await host.InScopeAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Items.Add(item);
            db.Publish(new ItemCreated(item.Id, item.Name));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        });

        (await Database.CountAsync($"FROM {Database.Table(TestDbContext.SchemaName, "items")}")).ShouldBe(0);
        (await Database.CountAsync($"FROM {Database.Table(TestDbContext.SchemaName, "outbox_messages")}")).ShouldBe(0);

        // The same, committed: both are there, and the event is delivered.
        var committed = new ItemCreated(item.Id, item.Name);
        await host.InScopeAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Items.Add(new Item { Id = item.Id, Name = item.Name });
            db.Publish(committed);
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        });
        await WaitUntilProcessedAsync(host, committed.EventId);
        (await Database.CountAsync($"FROM {Database.Table(TestDbContext.SchemaName, "items")}")).ShouldBe(1);
        _probe.Calls.ShouldAllBe(c => c.EventId == committed.EventId);
    }

    [Fact]
    public async Task A_failing_handler_is_retried_until_it_succeeds_and_the_other_is_not_run_again()
    {
        _probe.FlakyFailures = 3;
        await using var host = await Create().StartAsync();

        var created = await PublishAsync(host, "Sukiennice");

        var message = await WaitUntilProcessedAsync(host, created.EventId);
        message.Attempts.ShouldBe(3);
        message.LastError.ShouldNotBeNull();
        message.LastError.ShouldContain(typeof(FlakyHandler).FullName!);
        message.LastError.ShouldContain("downstream service is down");
        _probe.CallsOf(Flaky, succeeded: false).Count.ShouldBe(3);
        _probe.CallsOf(Flaky).Count.ShouldBe(1);
        _probe.CallsOf(Recording).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Delivery_survives_a_restart_of_the_host()
    {
        _probe.FlakyFailures = -1; // down until further notice
        ItemCreated created;
        await using (var before = await Create("before").StartAsync())
        {
            created = await PublishAsync(before, "Kazimierz");
            await Eventually.HoldsAsync(
                async () => (await FindAsync(before, created.EventId))?.Attempts >= 1,
                "the flaky handler's failure is recorded");
            _probe.CallsOf(Recording).Count.ShouldBe(1);
        }

        _probe.FlakyFailures = 0;
        await using var after = await Create("after").StartAsync();

        await WaitUntilProcessedAsync(after, created.EventId);
        _probe.CallsOf(Flaky).Count.ShouldBe(1);
        _probe.CallsOf(Recording).Count.ShouldBe(1, "the handler that had succeeded before the restart must not run again");
    }

    [Fact]
    public async Task An_event_published_when_no_dispatcher_runs_is_delivered_by_the_next_host()
    {
        ItemCreated created;
        await using (var withoutDispatcher = Create("not started"))
        {
            await withoutDispatcher.MigrateAsync();
            created = await PublishAsync(withoutDispatcher, "Nowa Huta");
        }

        _probe.Calls.ShouldBeEmpty();
        await using var next = await Create("next").StartAsync();
        await WaitUntilProcessedAsync(next, created.EventId);
        _probe.CallsOf(Recording).Single().EventId.ShouldBe(created.EventId);
    }

    [Fact]
    public async Task Events_are_delivered_in_the_order_they_occurred()
    {
        var start = new DateTimeOffset(2026, 5, 9, 12, 0, 0, TimeSpan.Zero);
        var events = Enumerable.Range(0, 6)
            .Select(i => new ItemCreated(Guid.NewGuid(), $"item {i}") { OccurredAt = start.AddSeconds(i) })
            .ToList();

        await using (var publisher = Create("publisher"))
        {
            await publisher.MigrateAsync();
            await publisher.InScopeAsync(async db =>
            {
                foreach (var index in new[] { 3, 0, 5, 1, 4, 2 })
                {
                    db.Publish(events[index]);
                }

                await db.SaveChangesAsync();
            });
        }

        await using var host = await Create().StartAsync();
        await Eventually.HoldsAsync(() => _probe.CallsOf(Recording).Count == events.Count, "every event is delivered");
        _probe.CallsOf(Recording).Select(c => c.EventId).ShouldBe(events.Select(e => e.EventId));
        _probe.CallsOf(Recording).Select(c => c.OccurredAt).ShouldBe(events.Select(e => e.OccurredAt));
    }

    [Fact]
    public async Task Saving_wakes_the_dispatcher_at_once_without_waiting_for_the_poll()
    {
        await using var host = await Create(configure: o => o.PollInterval = TimeSpan.FromMinutes(10)).StartAsync();
        await Task.Delay(200); // the dispatcher's first round found nothing; it now sleeps for the poll interval

        var plain = await PublishAsync(host, "Planty");
        await WaitUntilProcessedAsync(host, plain.EventId, TimeSpan.FromSeconds(5));

        var inTransaction = new ItemCreated(Guid.NewGuid(), "Kopiec");
        await host.InScopeAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Publish(inTransaction);
            await db.SaveChangesAsync();
            await Task.Delay(300);
            (await FindAsync(host, inTransaction.EventId)).ShouldBeNull("the event is not visible before the commit");
            await transaction.CommitAsync();
        });
        await WaitUntilProcessedAsync(host, inTransaction.EventId, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task An_event_nobody_handles_is_marked_processed()
    {
        await using var host = await Create().StartAsync();
        var archived = new ItemArchived(Guid.NewGuid());
        await host.InScopeAsync(async db =>
        {
            db.Publish(archived);
            await db.SaveChangesAsync();
        });

        var message = await WaitUntilProcessedAsync(host, archived.EventId);
        message.Attempts.ShouldBe(0);
        _probe.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task Two_hosts_on_one_database_deliver_each_event_once_to_each_handler()
    {
        await using var first = await Create("first").StartAsync();
        await using var second = await Create("second").StartAsync();

        var published = new List<ItemCreated>();
        for (var i = 0; i < 20; i++)
        {
            published.Add(await PublishAsync(i % 2 == 0 ? first : second, $"item {i}"));
        }

        await Eventually.HoldsAsync(
            async () => await Database.CountAsync($"FROM {Database.Table(TestDbContext.SchemaName, "outbox_messages")} WHERE processed_at IS NULL") == 0,
            "every event is processed");
        _probe.CallsOf(Recording).Select(c => c.EventId).Order().ShouldBe(published.Select(e => e.EventId).Order());
        _probe.CallsOf(Flaky).Select(c => c.EventId).Order().ShouldBe(published.Select(e => e.EventId).Order());
    }

    [Fact]
    public async Task Processed_events_are_deleted_once_past_the_retention_and_pending_ones_never()
    {
        ItemCreated processed;
        ItemCreated pending;
        await using (var first = await Create("first").StartAsync())
        {
            processed = await PublishAsync(first, "done");
            await WaitUntilProcessedAsync(first, processed.EventId);
            (await DeliveriesAsync(first, processed.EventId)).Count.ShouldBe(2);

            _probe.FlakyFailures = -1;
            pending = await PublishAsync(first, "still failing");
            await Eventually.HoldsAsync(async () => (await FindAsync(first, pending.EventId))?.Attempts >= 1, "one handler had it and the other failed");
        }

        await using var second = await Create("second", o => o.ProcessedRetention = TimeSpan.Zero).StartAsync();
        await Eventually.HoldsAsync(async () => await FindAsync(second, processed.EventId) is null, "the processed event is deleted");
        (await DeliveriesAsync(second, processed.EventId)).ShouldBeEmpty();
        (await FindAsync(second, pending.EventId)).ShouldNotBeNull();
        (await DeliveriesAsync(second, pending.EventId)).ShouldBe([typeof(RecordingHandler).FullName!]);
    }

    private TestPlatform Create(string name = "host", Action<OutboxOptions>? configure = null) =>
        TestPlatform.Create(Database, output, name, services =>
        {
            services.AddSingleton(_probe);
            services.AddScoped<ScopeMarker>();
            services.AddIntegrationEventHandler<ItemCreated, RecordingHandler>();
            services.AddIntegrationEventHandler<ItemCreated, FlakyHandler>();
            if (configure is not null)
            {
                services.Configure(configure);
            }
        });

    private static async Task<ItemCreated> PublishAsync(TestPlatform host, string name)
    {
        var item = new Item { Name = name };
        var created = new ItemCreated(item.Id, name);
        await host.InScopeAsync(async db =>
        {
            db.Items.Add(item);
            db.Publish(created);
            await db.SaveChangesAsync();
        });
        return created;
    }

    private static Task<OutboxMessage?> FindAsync(TestPlatform host, Guid eventId) =>
        host.InScopeAsync(db => db.OutboxMessages.AsNoTracking().SingleOrDefaultAsync(m => m.Id == eventId));

    private static Task<List<string>> DeliveriesAsync(TestPlatform host, Guid eventId) =>
        host.InScopeAsync(db => db.Set<OutboxDelivery>().Where(d => d.MessageId == eventId).Select(d => d.Handler).ToListAsync());

    private static async Task<OutboxMessage> WaitUntilProcessedAsync(TestPlatform host, Guid eventId, TimeSpan? timeout = null)
    {
        OutboxMessage? message = null;
        await Eventually.HoldsAsync(
            async () => (message = await FindAsync(host, eventId))?.ProcessedAt is not null,
            $"event {eventId} is processed",
            timeout);
        return message!;
    }
}

public sealed class SqliteOutboxTests(ITestOutputHelper output) : OutboxTests(new SqliteTestDatabaseServer(), output);

public sealed class PostgresOutboxTests(PostgresServerFixture server, ITestOutputHelper output)
    : OutboxTests(server, output), IClassFixture<PostgresServerFixture>;
