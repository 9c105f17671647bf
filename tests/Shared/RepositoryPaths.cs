namespace Krakow.Tests.Shared;

internal static class RepositoryPaths
{
    /// <summary>The repository root: the folder holding KrakowPlatform.sln, found upwards from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string InteropClients => Path.Combine(Root, "tests", "Interop", "clients");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KrakowPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("KrakowPlatform.sln not found above " + AppContext.BaseDirectory);
    }
}
