using Krakow.BuildingBlocks.Persistence;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Shouldly;

namespace Krakow.BuildingBlocks.Tests.Persistence;

public sealed class DatabaseOptionsTests : IDisposable
{
    private readonly string _contentRoot = Path.Combine(Path.GetTempPath(), "krakow-tests", "content-" + Guid.NewGuid().ToString("N")[..12]);

    public DatabaseOptionsTests() => Directory.CreateDirectory(_contentRoot);

    public void Dispose() => Directory.Delete(_contentRoot, recursive: true);

    [Fact]
    public void Without_a_connection_string_it_is_a_SQLite_file_in_the_data_folder_of_the_content_root()
    {
        var options = DatabaseOptions.FromConfiguration(Configuration(), _contentRoot);

        options.Provider.ShouldBe(DatabaseProvider.Sqlite);
        new SqliteConnectionStringBuilder(options.ConnectionString).DataSource.ShouldBe(Path.Combine(_contentRoot, "data", "platform.db"));
        Directory.Exists(Path.Combine(_contentRoot, "data")).ShouldBeTrue();
    }

    [Fact]
    public void Platform_DataDirectory_moves_the_file_relative_to_the_content_root_or_absolute()
    {
        var relative = DatabaseOptions.FromConfiguration(Configuration(("Platform:DataDirectory", "state/db")), _contentRoot);
        new SqliteConnectionStringBuilder(relative.ConnectionString).DataSource.ShouldBe(Path.Combine(_contentRoot, "state", "db", "platform.db"));

        var absoluteFolder = Path.Combine(_contentRoot, "elsewhere");
        var absolute = DatabaseOptions.FromConfiguration(Configuration(("Platform:DataDirectory", absoluteFolder)), "/nonexistent-root");
        new SqliteConnectionStringBuilder(absolute.ConnectionString).DataSource.ShouldBe(Path.Combine(absoluteFolder, "platform.db"));
    }

    [Fact]
    public void A_connection_string_selects_PostgreSQL()
    {
        var options = DatabaseOptions.FromConfiguration(
            Configuration(("ConnectionStrings:Platform", "Host=db.internal;Database=krakow;Username=krakow;Password=secret")), _contentRoot);

        options.Provider.ShouldBe(DatabaseProvider.PostgreSql);
        options.ConnectionString.ShouldBe("Host=db.internal;Database=krakow;Username=krakow;Password=secret");
        Directory.Exists(Path.Combine(_contentRoot, "data")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("Host=;;;garbage")]
    [InlineData("Database=krakow;Username=krakow;Password=s3cret-value")]
    [InlineData("Host=db;Port=99999;Password=s3cret-value")]
    [InlineData("Host=db;NoSuchKeyword=1;Password=s3cret-value")]
    public void A_bad_connection_string_fails_in_one_line_naming_the_key_and_never_the_password(string connectionString)
    {
        var error = Should.Throw<DatabaseConfigurationException>(
            () => DatabaseOptions.FromConfiguration(Configuration(("ConnectionStrings:Platform", connectionString)), _contentRoot));

        error.ConfigurationKey.ShouldBe("ConnectionStrings:Platform");
        error.Message.ShouldStartWith("ConnectionStrings:Platform: ");
        error.Message.ShouldNotContain("\n");
        error.Message.ShouldNotContain("\r");
        error.Message.ShouldNotContain("s3cret-value");
    }

    [Fact]
    public void A_data_directory_that_is_a_file_fails_in_one_line_naming_the_key()
    {
        var file = Path.Combine(_contentRoot, "not-a-folder");
        File.WriteAllText(file, "x");

        var error = Should.Throw<DatabaseConfigurationException>(
            () => DatabaseOptions.FromConfiguration(Configuration(("Platform:DataDirectory", file)), _contentRoot));

        error.ConfigurationKey.ShouldBe("Platform:DataDirectory");
        error.Message.ShouldBe($"Platform:DataDirectory: '{file}' is a file, not a folder; point it at a folder for platform.db.");
    }

    [Fact]
    public void A_data_directory_below_a_file_fails_in_one_line_naming_the_key()
    {
        var file = Path.Combine(_contentRoot, "plain-file");
        File.WriteAllText(file, "x");

        var error = Should.Throw<DatabaseConfigurationException>(
            () => DatabaseOptions.FromConfiguration(Configuration(("Platform:DataDirectory", Path.Combine(file, "data"))), _contentRoot));

        error.Message.ShouldBe($"Platform:DataDirectory: cannot create the folder '{Path.Combine(file, "data")}': '{file}' is a file.");
    }

    [Fact]
    public void Options_bound_by_the_host_are_validated_the_same_way()
    {
        Should.Throw<DatabaseConfigurationException>(() => new DatabaseOptions { Provider = DatabaseProvider.PostgreSql, ConnectionString = "" }.Validate())
            .Message.ShouldBe("ConnectionString: the PostgreSql connection string is empty.");
        Should.Throw<DatabaseConfigurationException>(() => new DatabaseOptions { Provider = (DatabaseProvider)7, ConnectionString = "x" }.Validate())
            .ConfigurationKey.ShouldBe("Provider");
        Should.NotThrow(() => DatabaseOptions.FromConfiguration(Configuration(), _contentRoot).Validate());
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();
}
