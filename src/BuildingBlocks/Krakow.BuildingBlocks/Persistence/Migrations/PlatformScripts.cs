using Krakow.BuildingBlocks.Persistence.Internal;

namespace Krakow.BuildingBlocks.Persistence.Migrations;

/// <summary>
/// The tables the base gives every module, so a module's scripts never repeat them: the migration history
/// (bootstrapped with IF NOT EXISTS, before anything else) and the outbox with its per-handler deliveries
/// (versioned scripts with negative ids, applied before the module's own scripts and recorded like them).
/// Never edit a script here once released: add the next one (id -2, …), as modules do.
/// </summary>
internal static class PlatformScripts
{
    public static string CreateHistoryTable(DatabaseProvider provider, string schema) => provider switch
    {
        DatabaseProvider.PostgreSql => $"""
            CREATE TABLE IF NOT EXISTS "{schema}"."{ModuleNaming.MigrationsTable}" (
                id integer NOT NULL PRIMARY KEY,
                name text NOT NULL,
                checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """,
        _ => $"""
            CREATE TABLE IF NOT EXISTS "{HistoryTable(provider, schema)}" (
                id INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at TEXT NOT NULL
            );
            """,
    };

    /// <summary>The history table, quoted and (PostgreSQL) schema-qualified.</summary>
    public static string QuotedHistoryTable(DatabaseProvider provider, string schema) =>
        provider == DatabaseProvider.PostgreSql
            ? $"\"{schema}\".\"{ModuleNaming.MigrationsTable}\""
            : $"\"{HistoryTable(provider, schema)}\"";

    public static string HistoryTable(DatabaseProvider provider, string schema) =>
        provider == DatabaseProvider.PostgreSql ? ModuleNaming.MigrationsTable : ModuleNaming.SqlitePrefix(schema) + ModuleNaming.MigrationsTable;

    public static IReadOnlyList<MigrationScript> For(DatabaseProvider provider, string schema) =>
        [new MigrationScript(-1, "platform/0001_outbox.sql", provider == DatabaseProvider.PostgreSql ? PostgreSqlOutbox(schema) : SqliteOutbox(schema))];

    private static string PostgreSqlOutbox(string schema) => $"""
        CREATE TABLE "{schema}".outbox_messages (
            id uuid NOT NULL PRIMARY KEY,
            type text NOT NULL,
            payload jsonb NOT NULL,
            occurred_at timestamptz NOT NULL,
            processed_at timestamptz NULL,
            attempts integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NULL,
            last_error text NULL,
            claim_token uuid NULL
        );
        CREATE INDEX ix_outbox_messages_pending ON "{schema}".outbox_messages (occurred_at, id) WHERE processed_at IS NULL;
        CREATE INDEX ix_outbox_messages_claim_token ON "{schema}".outbox_messages (claim_token) WHERE claim_token IS NOT NULL;
        CREATE INDEX ix_outbox_messages_processed_at ON "{schema}".outbox_messages (processed_at) WHERE processed_at IS NOT NULL;
        CREATE TABLE "{schema}".outbox_deliveries (
            message_id uuid NOT NULL REFERENCES "{schema}".outbox_messages (id) ON DELETE CASCADE,
            handler text NOT NULL,
            delivered_at timestamptz NOT NULL,
            PRIMARY KEY (message_id, handler)
        );
        """;

    private static string SqliteOutbox(string schema)
    {
        var p = ModuleNaming.SqlitePrefix(schema);
        return $"""
            CREATE TABLE "{p}outbox_messages" (
                id TEXT NOT NULL PRIMARY KEY,
                type TEXT NOT NULL,
                payload TEXT NOT NULL,
                occurred_at TEXT NOT NULL,
                processed_at TEXT NULL,
                attempts INTEGER NOT NULL DEFAULT 0,
                next_attempt_at TEXT NULL,
                last_error TEXT NULL,
                claim_token TEXT NULL
            );
            CREATE INDEX "ix_{p}outbox_messages_pending" ON "{p}outbox_messages" (occurred_at, id) WHERE processed_at IS NULL;
            CREATE INDEX "ix_{p}outbox_messages_claim_token" ON "{p}outbox_messages" (claim_token) WHERE claim_token IS NOT NULL;
            CREATE INDEX "ix_{p}outbox_messages_processed_at" ON "{p}outbox_messages" (processed_at) WHERE processed_at IS NOT NULL;
            CREATE TABLE "{p}outbox_deliveries" (
                message_id TEXT NOT NULL REFERENCES "{p}outbox_messages" (id) ON DELETE CASCADE,
                handler TEXT NOT NULL,
                delivered_at TEXT NOT NULL,
                PRIMARY KEY (message_id, handler)
            );
            """;
    }
}
