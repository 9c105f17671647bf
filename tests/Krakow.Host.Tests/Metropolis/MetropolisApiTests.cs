using Google.Rpc;
using Grpc.Core;
using Krakow.BuildingBlocks.Messaging;
using Krakow.Common.V1;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Metropolis.V1;
using Krakow.Modules.Metropolis.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;

namespace Krakow.Host.Tests.Metropolis;

/// <summary>The Metropolis module through its public gRPC API, on each database the platform supports.</summary>
public abstract class MetropolisApiTests(DatabaseKind databaseKind) : IAsyncLifetime
{
    private PlatformHost host = null!;

    private MembersRegistry.MembersRegistryClient Members => new(host.Channel);

    private Declarations.DeclarationsClient DeclarationsApi => new(host.Channel);

    public async Task InitializeAsync() =>
        host = await PlatformHost.StartAsync(databaseKind, configure: builder =>
        {
            builder.Services.AddSingleton<EventLog>();
            builder.Services.AddIntegrationEventHandler<MemberRegistered, RecordingHandler<MemberRegistered>>();
            builder.Services.AddIntegrationEventHandler<DeclarationSigned, RecordingHandler<DeclarationSigned>>();
        });

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task The_registry_starts_with_the_members_the_city_documents_name()
    {
        var response = await Members.ListMembersAsync(new ListMembersRequest());

        response.Members.Select(m => m.Id).ShouldBe(["1261011", "eurocities", "icorn", "lublin", "wroclaw"]);
        var eurocities = response.Members.Single(m => m.Id == "eurocities");
        eurocities.Kind.ShouldBe(MemberKind.Network);
        eurocities.JoinedAt.ToDateTimeOffset().ShouldBe(new DateTimeOffset(2025, 10, 15, 0, 0, 0, TimeSpan.Zero));
        response.Members.Single(m => m.Id == "1261011").Name.Pl.ShouldBe("Kraków");
    }

    [Fact]
    public async Task Members_are_listed_in_pages_by_kind()
    {
        var first = await Members.ListMembersAsync(new ListMembersRequest { PageSize = 2 });
        var second = await Members.ListMembersAsync(new ListMembersRequest { PageSize = 2, PageToken = first.NextPageToken });
        var third = await Members.ListMembersAsync(new ListMembersRequest { PageSize = 2, PageToken = second.NextPageToken });
        var partners = await Members.ListMembersAsync(new ListMembersRequest { Kind = MemberKind.PartnerCity });

        first.Members.Concat(second.Members).Concat(third.Members).Select(m => m.Id).ShouldBe(["1261011", "eurocities", "icorn", "lublin", "wroclaw"]);
        third.NextPageToken.ShouldBeEmpty();
        partners.Members.Select(m => m.Id).ShouldBe(["lublin", "wroclaw"]);
    }

    [Fact]
    public async Task A_tampered_page_token_and_an_absurd_page_size_are_both_reported()
    {
        var error = await Should.ThrowAsync<RpcException>(() => Members.ListMembersAsync(new ListMembersRequest { PageSize = 5000, PageToken = "not-a-token" }).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        FieldsOf(error).ShouldBe(["page_size", "page_token"], ignoreOrder: true);
    }

    [Fact]
    public async Task An_unknown_member_is_not_found()
    {
        var error = await Should.ThrowAsync<RpcException>(() => Members.GetMemberAsync(new GetMemberRequest { Id = "atlantis" }).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.NotFound);
        error.Status.Detail.ShouldBe("No member with id 'atlantis'.");
    }

    [Fact]
    public async Task Registering_needs_an_administrator_key()
    {
        var request = ValidMunicipality("1206162", "Zielonki");

        var anonymous = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request).ResponseAsync);
        var moderator = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request, TestApiKeys.As(TestApiKeys.Moderator)).ResponseAsync);
        var wrongKey = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request, TestApiKeys.As("guessed")).ResponseAsync);

        anonymous.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        moderator.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        wrongKey.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await Members.ListMembersAsync(new ListMembersRequest())).Members.ShouldNotContain(m => m.Id == "1206162");
    }

    [Fact]
    public async Task A_registered_member_is_listed_at_once_and_announced_to_other_modules()
    {
        await Members.ListMembersAsync(new ListMembersRequest()); // fills the cache that registering must invalidate

        var registered = await Members.RegisterMemberAsync(ValidMunicipality("1206162", "Zielonki"), TestApiKeys.As(TestApiKeys.Administrator));
        var listed = await Members.ListMembersAsync(new ListMembersRequest { Kind = MemberKind.Municipality });
        var announced = await host.Services.GetRequiredService<EventLog>()
            .WaitForAsync<MemberRegistered>(e => e.MemberId == "1206162", TimeSpan.FromSeconds(15));

        registered.Id.ShouldBe("1206162");
        listed.Members.Select(m => m.Id).ShouldBe(["1206162", "1261011"]);
        announced.NamePl.ShouldBe("Zielonki");
    }

    [Fact]
    public async Task Every_problem_with_a_registration_is_reported_in_one_answer()
    {
        var request = new RegisterMemberRequest
        {
            Id = "9999999",
            Kind = MemberKind.Municipality,
            Name = new LocalizedText { Pl = "", En = new string('x', 201) },
            CountryCode = "pl",
        };

        var error = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request, TestApiKeys.As(TestApiKeys.Administrator)).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        FieldsOf(error).ShouldBe(["id", "country_code", "name.pl", "name.en", "country_code"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_joined_at_that_is_not_a_timestamp_is_invalid_argument()
    {
        var request = ValidMunicipality("1206162", "Zielonki");
        request.JoinedAt = new Google.Protobuf.WellKnownTypes.Timestamp { Seconds = 0, Nanos = -1 };

        var error = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request, TestApiKeys.As(TestApiKeys.Administrator)).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        FieldsOf(error).ShouldBe(["joined_at"]);
    }

    [Fact]
    public async Task Registrations_racing_for_one_id_register_it_once_and_the_others_hear_already_exists()
    {
        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            try
            {
                await Members.RegisterMemberAsync(ValidMunicipality("1206162", "Zielonki"), TestApiKeys.As(TestApiKeys.Administrator));
                return StatusCode.OK;
            }
            catch (RpcException e)
            {
                return e.StatusCode;
            }
        }));

        attempts.Count(code => code == StatusCode.OK).ShouldBe(1);
        attempts.Where(code => code != StatusCode.OK).ShouldAllBe(code => code == StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task A_member_cannot_be_registered_twice()
    {
        var error = await Should.ThrowAsync<RpcException>(() =>
            Members.RegisterMemberAsync(ValidMunicipality("1261011", "Kraków"), TestApiKeys.As(TestApiKeys.Administrator)).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.AlreadyExists);
    }

    [Fact]
    public async Task A_municipality_signs_a_declaration_once_for_itself_and_the_list_is_public()
    {
        var signature = await DeclarationsApi.SignDeclarationAsync(Sign("1261011", "Prezydent Miasta Krakowa"), TestApiKeys.As(TestApiKeys.Krakow));
        var again = await Should.ThrowAsync<RpcException>(() =>
            DeclarationsApi.SignDeclarationAsync(Sign("1261011", "Prezydent Miasta Krakowa"), TestApiKeys.As(TestApiKeys.Krakow)).ResponseAsync);
        var signatories = await DeclarationsApi.ListSignatoriesAsync(new ListSignatoriesRequest { DeclarationId = "supra-local-cooperation" });
        var announced = await host.Services.GetRequiredService<EventLog>()
            .WaitForAsync<DeclarationSigned>(e => e.MunicipalityId == "1261011", TimeSpan.FromSeconds(15));

        signature.MunicipalityName.Pl.ShouldBe("Kraków");
        again.StatusCode.ShouldBe(StatusCode.AlreadyExists);
        signatories.Signatures.Single().SignedBy.ShouldBe("Prezydent Miasta Krakowa");
        announced.DeclarationId.ShouldBe("supra-local-cooperation");
    }

    [Fact]
    public async Task A_municipality_cannot_sign_for_another_and_a_non_member_cannot_sign()
    {
        var forAnother = await Should.ThrowAsync<RpcException>(() =>
            DeclarationsApi.SignDeclarationAsync(Sign("1261011", "Wójt"), TestApiKeys.As(TestApiKeys.Zielonki)).ResponseAsync);
        var nonMember = await Should.ThrowAsync<RpcException>(() =>
            DeclarationsApi.SignDeclarationAsync(Sign(TestApiKeys.ZielonkiTeryt, "Wójt Gminy Zielonki"), TestApiKeys.As(TestApiKeys.Zielonki)).ResponseAsync);
        var anonymous = await Should.ThrowAsync<RpcException>(() =>
            DeclarationsApi.SignDeclarationAsync(Sign("1261011", "Anyone")).ResponseAsync);

        forAnother.StatusCode.ShouldBe(StatusCode.PermissionDenied);
        nonMember.StatusCode.ShouldBe(StatusCode.FailedPrecondition);
        anonymous.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        (await DeclarationsApi.ListSignatoriesAsync(new ListSignatoriesRequest { DeclarationId = "supra-local-cooperation" })).Signatures.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a-declaration-id-that-is-longer-than-sixty-four-characters-is-not-one-we-issue")]
    public async Task Signatories_of_a_declaration_id_that_cannot_be_one_are_invalid_argument(string declarationId)
    {
        var error = await Should.ThrowAsync<RpcException>(() =>
            DeclarationsApi.ListSignatoriesAsync(new ListSignatoriesRequest { DeclarationId = declarationId }).ResponseAsync);

        error.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        FieldsOf(error).ShouldBe(["declaration_id"]);
    }

    private static RegisterMemberRequest ValidMunicipality(string teryt, string name) => new()
    {
        Id = teryt,
        Kind = MemberKind.Municipality,
        Name = new LocalizedText { Pl = name, En = name },
        CountryCode = "PL",
    };

    private static SignDeclarationRequest Sign(string municipality, string signedBy) => new()
    {
        DeclarationId = "supra-local-cooperation",
        MunicipalityId = municipality,
        SignedBy = signedBy,
    };

    private static IEnumerable<string> FieldsOf(RpcException error) =>
        error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations.Select(v => v.Field);
}

public sealed class MetropolisApiOnSqliteTests() : MetropolisApiTests(DatabaseKind.Sqlite);

public sealed class MetropolisApiOnPostgreSqlTests() : MetropolisApiTests(DatabaseKind.PostgreSql);
