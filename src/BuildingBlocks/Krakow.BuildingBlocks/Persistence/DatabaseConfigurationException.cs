namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// The database configuration is unusable. The message is one line that names the configuration key and the
/// problem, fit for a start-up log; it never repeats a connection string, which may hold a password.
/// </summary>
public sealed class DatabaseConfigurationException : Exception
{
    public DatabaseConfigurationException(string configurationKey, string problem, Exception? innerException = null)
        : base(OneLine($"{configurationKey}: {problem}"), innerException)
    {
        ConfigurationKey = configurationKey;
    }

    /// <summary>The configuration key at fault, for example <c>ConnectionStrings:Platform</c>.</summary>
    public string ConfigurationKey { get; }

    internal static string OneLine(string text) =>
        string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
