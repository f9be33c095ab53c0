namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>Paths in the repository this test assembly was built from.</summary>
internal static class RepositoryLayout
{
    public static string Root => RepositoryRoot.Path;

    public static string TaskProject => Path.Combine(Root, "src", "Msbuild.Tasks");

    public static string Example => Path.Combine(Root, "examples", "msbuild");

    public static string ReadmeFragment => Path.Combine(Root, "README.md");
}
