using Grpc.Core;
using Krakow.BuildingBlocks.Security;

namespace Krakow.Modules.Maps.Tests.Infrastructure;

/// <summary>The API keys the test hosts know (only their hashes go into configuration).</summary>
public static class TestApiKeys
{
    public const string Moderator = "maps-moderator-key-for-tests";
    public const string ModeratorName = "moderator.anna";
    public const string Administrator = "maps-admin-key-for-tests";
    public const string AdministratorName = "admin.jan";
    public const string Partner = "maps-partner-key-for-tests";

    public static IEnumerable<KeyValuePair<string, string?>> Configuration()
    {
        (string Key, string Name, string Role)[] keys =
        [
            (Moderator, ModeratorName, PlatformRoles.Moderator),
            (Administrator, AdministratorName, PlatformRoles.Administrator),
            (Partner, "teryt:1261011", "municipality"),
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            yield return new($"Security:ApiKeys:{i}:Name", keys[i].Name);
            yield return new($"Security:ApiKeys:{i}:Sha256", ApiKeyOptions.Hash(keys[i].Key));
            yield return new($"Security:ApiKeys:{i}:Roles:0", keys[i].Role);
        }
    }

    public static CallOptions As(string key) => new(headers: new Metadata { { "authorization", "Bearer " + key } });
}
