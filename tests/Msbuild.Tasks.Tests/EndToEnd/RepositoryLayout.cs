namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string TaskProject => Path.Combine(Root, "src", "Msbuild.Tasks");

    public static string Example => Path.Combine(Root, "examples", "msbuild");

    public static string ReadmeFragment => Path.Combine(Root, "README.md");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "CakeParallel.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No CakeParallel.sln above {AppContext.BaseDirectory}.");
    }
}
