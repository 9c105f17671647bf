namespace Krakow.BuildingBlocks.Persistence;

/// <summary>
/// A module's database could not be brought up to date: a script is misnamed or failed, or an applied script was
/// edited afterwards. Start-up must stop; the message says which module and script, and what to do.
/// </summary>
public sealed class DatabaseMigrationException : Exception
{
    public DatabaseMigrationException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
