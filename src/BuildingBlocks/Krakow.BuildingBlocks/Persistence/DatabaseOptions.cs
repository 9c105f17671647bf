using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// Where the platform keeps its state: one database shared by every module, each module in its own schema
/// (PostgreSQL) or behind its own table prefix (SQLite). The host builds it once with
/// <see cref="FromConfiguration"/> and registers it as a singleton before the modules add their databases.
/// </summary>
public sealed class DatabaseOptions
{
    /// <summary>A non-empty value selects PostgreSQL; it is an Npgsql connection string.</summary>
    public const string ConnectionStringKey = "ConnectionStrings:Platform";

    /// <summary>The folder of the SQLite file when no PostgreSQL connection string is configured.</summary>
    public const string DataDirectoryKey = "Platform:DataDirectory";

    /// <summary>The default of <see cref="DataDirectoryKey"/>, relative to the content root.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>The SQLite file's name inside the data directory.</summary>
    public const string SqliteFileName = "platform.db";

    public DatabaseProvider Provider { get; set; }

    public string ConnectionString { get; set; } = "";

    /// <summary>
    /// Reads <c>ConnectionStrings:Platform</c>: when it is set, PostgreSQL with that connection string; otherwise
    /// the SQLite file <c>platform.db</c> in <c>Platform:DataDirectory</c> (default <c>data</c>, relative to
    /// <paramref name="contentRootPath"/>), creating the folder.
    /// </summary>
    /// <exception cref="DatabaseConfigurationException">A value is unusable; the message names the key.</exception>
    public static DatabaseOptions FromConfiguration(IConfiguration configuration, string contentRootPath)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrEmpty(contentRootPath);

        var connectionString = configuration[ConnectionStringKey];
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var options = new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = connectionString.Trim() };
            options.Validate(ConnectionStringKey);
            return options;
        }

        var dataDirectory = configuration[DataDirectoryKey];
        if (string.IsNullOrWhiteSpace(dataDirectory))
        {
            dataDirectory = DefaultDataDirectory;
        }

        var folder = ResolveDataDirectory(dataDirectory.Trim(), contentRootPath);
        return new DatabaseOptions
        {
            Provider = DatabaseProvider.Sqlite,
            ConnectionString = SqliteConnectionStringFor(Path.Combine(folder, SqliteFileName)),
        };
    }

    /// <summary>The SQLite connection string the platform uses for a database file.</summary>
    public static string SqliteConnectionStringFor(string databaseFile) =>
        new SqliteConnectionStringBuilder
        {
            DataSource = databaseFile,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Seconds a command waits for another connection's write lock before it fails with SQLITE_BUSY.
            DefaultTimeout = 30,
        }.ToString();

    /// <summary>Checks the options as bound by the host; throws a <see cref="DatabaseConfigurationException"/>.</summary>
    public void Validate() => Validate(nameof(ConnectionString));

    private void Validate(string key)
    {
        if (!Enum.IsDefined(Provider))
        {
            throw new DatabaseConfigurationException(nameof(Provider), $"'{Provider}' is not a database provider (use Sqlite or PostgreSql).");
        }

        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw new DatabaseConfigurationException(key, $"the {Provider} connection string is empty.");
        }

        switch (Provider)
        {
            case DatabaseProvider.PostgreSql:
                ValidatePostgreSql(key, ConnectionString);
                break;
            case DatabaseProvider.Sqlite:
                ValidateSqlite(key, ConnectionString);
                break;
        }
    }

    private static void ValidatePostgreSql(string key, string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException or OverflowException)
        {
            // The parser's message points at the fault without echoing the value (which may hold a password).
            throw new DatabaseConfigurationException(key, $"not a valid PostgreSQL connection string ({ex.Message.TrimEnd('.')}); expected Host=…;Database=…;Username=…;Password=….", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new DatabaseConfigurationException(key, "the PostgreSQL connection string has no Host; expected Host=…;Database=…;Username=…;Password=….");
        }

        if (builder.Port is <= 0 or > 65535)
        {
            throw new DatabaseConfigurationException(key, $"Port {builder.Port} is not a TCP port.");
        }
    }

    private static void ValidateSqlite(string key, string connectionString)
    {
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(connectionString);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidCastException)
        {
            throw new DatabaseConfigurationException(key, $"not a valid SQLite connection string ({ex.Message.TrimEnd('.')}).", ex);
        }

        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new DatabaseConfigurationException(key, "the SQLite connection string names no Data Source file.");
        }
    }

    private static string ResolveDataDirectory(string configured, string contentRootPath)
    {
        string folder;
        try
        {
            folder = Path.GetFullPath(configured, Path.GetFullPath(contentRootPath));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new DatabaseConfigurationException(DataDirectoryKey, $"'{configured}' is not a valid folder path ({ex.Message.TrimEnd('.')}).", ex);
        }

        if (File.Exists(folder))
        {
            throw new DatabaseConfigurationException(DataDirectoryKey, $"'{folder}' is a file, not a folder; point it at a folder for {SqliteFileName}.");
        }

        for (var ancestor = Path.GetDirectoryName(folder); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if (File.Exists(ancestor))
            {
                throw new DatabaseConfigurationException(DataDirectoryKey, $"cannot create the folder '{folder}': '{ancestor}' is a file.");
            }
        }

        try
        {
            Directory.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new DatabaseConfigurationException(DataDirectoryKey, $"cannot create the folder '{folder}' ({ex.Message.TrimEnd('.')}).", ex);
        }

        return folder;
    }
}
