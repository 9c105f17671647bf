using System.Security.Cryptography;
using System.Text;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>
/// One versioned SQL script. Module scripts have ids 1, 2, … from their file names (<c>0001_create_forums.sql</c>);
/// the platform's own scripts (outbox tables) have negative ids, so both share one history table.
/// </summary>
internal sealed class MigrationScript
{
    public MigrationScript(int id, string name, string sql)
    {
        Id = id;
        Name = name;
        // Line endings are not content: a checkout with CRLF must not look like an edited script.
        Sql = sql.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        Checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    public int Id { get; }

    /// <summary>The file name, for example <c>0001_create_forums.sql</c>; platform scripts: <c>platform/0001_outbox.sql</c>.</summary>
    public string Name { get; }

    public string Sql { get; }

    /// <summary>SHA-256 of the script (LF line endings), lowercase hex.</summary>
    public string Checksum { get; }
}

/// <summary>A row of a module's history table.</summary>
internal sealed record AppliedMigration(int Id, string Name, string Checksum);
