using Grpc.Core;
using Krakow.BuildingBlocks.Persistence;
using Krakow.Common.V1;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Metropolis.V1;
using Krakow.Tests.Shared;
using Npgsql;
using Shouldly;

namespace Krakow.Host.Tests.Hosting;

/// <summary>
/// When the database cannot be reached, calls fail with UNAVAILABLE (what gRPC clients retry) rather than UNKNOWN,
/// and work again once it is back, with nothing half-written.
/// </summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Calls_answer_unavailable_while_postgresql_is_unreachable_and_work_again_after()
    {
        var server = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("KRAKOW_TEST_POSTGRES")
            ?? throw new InvalidOperationException("KRAKOW_TEST_POSTGRES is not set: eval \"$(bash scripts/start-test-services.sh)\" first (scripts/test.sh does)."));
        await using var relay = new PartitionRelay(server.Host!, server.Port);
        await using var host = await PlatformHost.StartAsync(DatabaseKind.PostgreSql, configure: builder =>
        {
            var direct = new NpgsqlConnectionStringBuilder(builder.Configuration["ConnectionStrings:Platform"]);
            direct.Host = "127.0.0.1";
            direct.Port = relay.Port;
            builder.Configuration["ConnectionStrings:Platform"] = direct.ConnectionString;
        });
        var members = new MembersRegistry.MembersRegistryClient(host.Channel);
        var administrator = TestApiKeys.As(TestApiKeys.Administrator);

        relay.Partition();
        var refused = await Should.ThrowAsync<RpcException>(() => members.RegisterMemberAsync(Municipality("1206162", "Zielonki"), administrator).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unavailable);
        refused.Status.Detail.ShouldBe(DatabaseUnavailableInterceptor.Message);

        // Back: connections the outage broke may each fail once more, with the same retryable status, as a client's
        // retry policy would see; then the call goes through, and the refused registration was not half-written.
        relay.Heal();
        Member? registered = null;
        for (var attempt = 0; registered is null; attempt++)
        {
            try
            {
                registered = await members.RegisterMemberAsync(Municipality("1206163", "Zabierzów"), administrator);
            }
            catch (RpcException retry) when (attempt < 20)
            {
                retry.StatusCode.ShouldBe(StatusCode.Unavailable);
            }
        }

        registered.Id.ShouldBe("1206163");
        var listed = await members.ListMembersAsync(new ListMembersRequest { Kind = MemberKind.Municipality });
        listed.Members.Select(m => m.Id).ShouldBe(["1206163", "1261011"]);
    }

    private static RegisterMemberRequest Municipality(string teryt, string name) => new()
    {
        Id = teryt,
        Kind = MemberKind.Municipality,
        Name = new LocalizedText { Pl = name, En = name },
        CountryCode = "PL",
    };
}
