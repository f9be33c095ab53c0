namespace CakeParallel.Testing;

/// <summary>The checkout the tests were built from (the folder holding CakeParallel.sln).</summary>
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(directory.FullName, "CakeParallel.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CakeParallel.sln above {AppContext.BaseDirectory}.");
    }
}
