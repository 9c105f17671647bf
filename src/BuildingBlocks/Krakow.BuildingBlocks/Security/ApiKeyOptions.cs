using System.Security.Cryptography;
using System.Text;

namespace Krakow.BuildingBlocks.Security;

/// <summary>
/// API keys from configuration (<c>Security:ApiKeys</c>). Only the SHA-256 of each key is configured, so the
/// configuration never holds a usable secret: <c>printf %s "$KEY" | sha256sum</c>.
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "Security:ApiKeys";

    public List<ApiKeyEntry> Keys { get; } = [];

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}

public sealed class ApiKeyEntry
{
    /// <summary>Who holds the key, e.g. "moderator-anna" or "teryt:1206011" for a member municipality.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>Lower-case hex SHA-256 of the key.</summary>
    public string Sha256 { get; set; } = string.Empty;

    public List<string> Roles { get; set; } = [];
}
