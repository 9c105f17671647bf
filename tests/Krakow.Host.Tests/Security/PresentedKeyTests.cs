using System.Net;
using Grpc.Core;
using Krakow.Host.Tests.Infrastructure;
using Krakow.Metropolis.V1;
using Shouldly;

namespace Krakow.Host.Tests.Security;

/// <summary>
/// A key that is presented is checked on every method, public ones included, and the refusal says what is wrong:
/// a portal whose key was mistyped or revoked finds out at its first call, not by being treated as anonymous.
/// </summary>
public sealed class PresentedKeyTests : IAsyncLifetime
{
    private const string NotValid = "The API key is not valid: it is unknown or has been revoked.";

    private PlatformHost host = null!;

    private MembersRegistry.MembersRegistryClient Members => new(host.Channel);

    public async Task InitializeAsync() => host = await PlatformHost.StartAsync();

    public async Task DisposeAsync() => await host.DisposeAsync();

    [Fact]
    public async Task An_unknown_key_on_a_public_method_is_refused_and_no_key_is_served()
    {
        var refused = await Should.ThrowAsync<RpcException>(() => Members.ListMembersAsync(new ListMembersRequest(), TestApiKeys.As("revoked-key")).ResponseAsync);
        var anonymous = await Members.ListMembersAsync(new ListMembersRequest());
        var withKey = await Members.ListMembersAsync(new ListMembersRequest(), TestApiKeys.As(TestApiKeys.Krakow));

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        refused.Status.Detail.ShouldBe(NotValid);
        anonymous.Members.ShouldNotBeEmpty();
        withKey.Members.ShouldBe(anonymous.Members);
    }

    [Fact]
    public async Task An_unknown_key_on_a_protected_method_is_told_apart_from_a_missing_one()
    {
        var request = new RegisterMemberRequest { Id = "1206162" };

        var unknown = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request, TestApiKeys.As("guessed")).ResponseAsync);
        var missing = await Should.ThrowAsync<RpcException>(() => Members.RegisterMemberAsync(request).ResponseAsync);

        unknown.Status.ShouldBe(new Status(StatusCode.Unauthenticated, NotValid));
        missing.Status.ShouldBe(new Status(StatusCode.Unauthenticated, "A valid API key is required (authorization: Bearer <key>)."));
    }

    [Fact]
    public async Task An_authorization_header_that_is_not_a_bearer_key_is_refused_saying_what_is_expected()
    {
        var basic = new Metadata { { "authorization", "Basic a3Jha293Omtyb2tvdw==" } };

        var refused = await Should.ThrowAsync<RpcException>(() => Members.ListMembersAsync(new ListMembersRequest(), basic).ResponseAsync);

        refused.StatusCode.ShouldBe(StatusCode.Unauthenticated);
        refused.Status.Detail.ShouldBe("The authorization header is not 'Bearer <api key>'; send 'authorization: Bearer <key>' or none.");
    }

    [Fact]
    public async Task Pages_refuse_a_bad_key_in_http_terms()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/readyz");
        request.Headers.Authorization = new("Bearer", "revoked-key");

        using var response = await host.Web.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).ShouldContain(NotValid);
        (await host.Web.GetAsync("/readyz")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
