namespace Krakow.BuildingBlocks.Persistence;

/// <summary>The database server the platform keeps its state in; every module uses the same one.</summary>
public enum DatabaseProvider
{
    /// <summary>An embedded SQLite file: the default, so <c>dotnet run</c> works on a fresh machine.</summary>
    Sqlite,

    /// <summary>A PostgreSQL server: for several host instances sharing one database.</summary>
    PostgreSql,
}
