using System.Text;
using Grpc.Core;
using Krakow.BuildingBlocks.Security;
using Krakow.BuildingBlocks.Validation;
using Krakow.Metropolis.V1;
using Krakow.Modules.Metropolis.Application;
using Microsoft.AspNetCore.Authorization;

namespace Krakow.Modules.Metropolis.Api;

/// <summary>krakow.metropolis.v1.MembersRegistry: public reads, administrator writes.</summary>
internal sealed class MembersRegistryService(MemberDirectory directory) : MembersRegistry.MembersRegistryBase
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 200;

    public override async Task<ListMembersResponse> ListMembers(ListMembersRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.Require(request.PageSize is >= 0 and <= MaxPageSize, "page_size", $"must be between 0 and {MaxPageSize}");
        violations.Require(Enum.IsDefined(request.Kind), "kind", "is not a known member kind");
        var after = DecodePageToken(request.PageToken, violations);
        violations.ThrowIfAny();

        var kind = request.Kind.ToDomain();
        var pageSize = request.PageSize == 0 ? DefaultPageSize : request.PageSize;
        var matching = (await directory.ListAsync(context.CancellationToken))
            .Where(m => kind is null || m.Kind == kind)
            .Where(m => after is null || string.CompareOrdinal(m.Id, after) > 0)
            .Take(pageSize + 1)
            .ToList();

        var response = new ListMembersResponse();
        response.Members.Add(matching.Take(pageSize).Select(m => m.ToProto()));
        if (matching.Count > pageSize)
        {
            response.NextPageToken = EncodePageToken(matching[pageSize - 1].Id);
        }

        return response;
    }

    public override async Task<Member> GetMember(GetMemberRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        violations.RequireId(request.Id, "id");
        violations.ThrowIfAny();
        var member = await directory.FindAsync(request.Id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No member with id '{request.Id}'."));
        return member.ToProto();
    }

    [Authorize(Policy = PlatformRoles.AdministratorPolicy)]
    public override async Task<Member> RegisterMember(RegisterMemberRequest request, ServerCallContext context)
    {
        var violations = new FieldViolations();
        var joinedAt = violations.Timestamp(request.JoinedAt, "joined_at");
        violations.ThrowIfAny();

        var member = await directory.RegisterAsync(
            request.Id,
            request.Kind.ToDomain(),
            request.Name?.Pl ?? string.Empty,
            request.Name?.En ?? string.Empty,
            request.CountryCode,
            joinedAt,
            context.CancellationToken);
        return member.ToProto();
    }

    // Page tokens carry the last id of the previous page; members are public, so the token needs no secrecy.
    private static string EncodePageToken(string lastId) => Convert.ToBase64String(Encoding.UTF8.GetBytes("after:" + lastId));

    private static string? DecodePageToken(string token, FieldViolations violations)
    {
        if (token.Length == 0)
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("after:", StringComparison.Ordinal) && text.Length > 6)
            {
                return text[6..];
            }
        }
        catch (FormatException)
        {
        }

        violations.Add("page_token", "is not a token this service issued");
        return null;
    }
}
