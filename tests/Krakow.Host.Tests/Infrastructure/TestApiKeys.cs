using Grpc.Core;
using Krakow.BuildingBlocks.Security;

namespace Krakow.Host.Tests.Infrastructure;

/// <summary>The API keys the test hosts are configured with (only their hashes go into configuration).</summary>
public static class TestApiKeys
{
    public const string Administrator = "admin-key-for-tests-only";
    public const string Moderator = "moderator-key-for-tests-only";
    public const string Krakow = "krakow-municipality-key";
    public const string Zielonki = "zielonki-municipality-key";

    /// <summary>TERYT of a municipality that has a key but is not registered as a member.</summary>
    public const string ZielonkiTeryt = "1206162";

    public static IEnumerable<KeyValuePair<string, string?>> Configuration()
    {
        (string Key, string Name, string Role)[] keys =
        [
            (Administrator, "admin", PlatformRoles.Administrator),
            (Moderator, "moderator", PlatformRoles.Moderator),
            (Krakow, "teryt:1261011", "municipality"),
            (Zielonki, "teryt:" + ZielonkiTeryt, "municipality"),
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
