using System.Text;
using System.Text.RegularExpressions;

namespace Krakow.BuildingBlocks.Persistence.Internal;

/// <summary>
/// How a module's objects are named: PostgreSQL puts them in the schema <c>&lt;schema&gt;</c>, SQLite (which has one
/// namespace per file) prefixes each table with <c>&lt;schema&gt;_</c>; tables and columns are snake_case.
/// </summary>
internal static partial class ModuleNaming
{
    public const int MaxSchemaLength = 40;

    /// <summary>The history table's name before the prefix: <c>metropolis.__migrations</c> / <c>metropolis___migrations</c>.</summary>
    public const string MigrationsTable = "__migrations";

    public const string OutboxMessagesTable = "outbox_messages";

    public const string OutboxDeliveriesTable = "outbox_deliveries";

    [GeneratedRegex("^[a-z][a-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaPattern();

    /// <summary>Throws unless <paramref name="schema"/> is a lowercase identifier fit for both a schema and a prefix.</summary>
    public static string ValidateSchema(string? schema, Type contextType)
    {
        if (string.IsNullOrEmpty(schema) || schema.Length > MaxSchemaLength || !SchemaPattern().IsMatch(schema))
        {
            throw new InvalidOperationException(
                $"{contextType.Name}.Schema is '{schema}': a module's schema is 1-{MaxSchemaLength} characters of a-z, 0-9 and _, starting with a letter (for example \"metropolis\").");
        }

        return schema;
    }

    /// <summary>The SQLite table prefix of a module: <c>metropolis_</c>.</summary>
    public static string SqlitePrefix(string schema) => schema + "_";

    /// <summary>The name of a module's table in the database (without schema): snake_case, prefixed in SQLite.</summary>
    public static string TableName(string schema, DatabaseProvider provider, string name)
    {
        var snake = ToSnakeCase(name);
        return provider == DatabaseProvider.PostgreSql ? snake : SqlitePrefix(schema) + snake;
    }

    /// <summary>
    /// <c>OccurredAt</c> → <c>occurred_at</c>, <c>HTTPStatus</c> → <c>http_status</c>, <c>Address_Street</c> →
    /// <c>address_street</c>. Already snake_case names come back unchanged, so applying it twice is harmless.
    /// </summary>
    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && builder.Length > 0 && builder[^1] != '_')
                {
                    var previous = name[i - 1];
                    var nextIsLower = i + 1 < name.Length && char.IsLower(name[i + 1]);
                    if (char.IsLower(previous) || char.IsDigit(previous) || (char.IsUpper(previous) && nextIsLower))
                    {
                        builder.Append('_');
                    }
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
