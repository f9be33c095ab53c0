namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// A Cake script in a folder of its own (so its addins are installed fresh) run by the real <c>dotnet cake</c>
/// from the repository's tool manifest, loading Cake.Parallel from the test feed.
/// </summary>
internal sealed class CakeScript : IDisposable
{
    private readonly AddinFeed _feed;
    private readonly TempDirectory _directory = new("cakeparallel-script");

    public CakeScript(AddinFeed feed, string text)
    {
        _feed = feed;
        File.WriteAllText(ScriptPath, feed.PinAddinVersion(text));
    }

    public string Directory => _directory.Path;

    public string ScriptPath => _directory.Combine("build.cake");

    public static string FromFile(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath));

    /// <summary>Runs the script to its end.</summary>
    public ChildProcess Run(params string[] arguments)
    {
        var process = Start(arguments);
        process.WaitForExit(TimeSpan.FromMinutes(5));
        return process;
    }

    /// <summary>
    /// Starts the script in a session of its own (like a job started from a shell), so a test can signal its
    /// process group the way a terminal's Ctrl+C does.
    /// </summary>
    public ChildProcess Start(params string[] arguments) =>
        ChildProcess.Start(
            "setsid",
            ["dotnet", "cake", ScriptPath, "--nuget_source=" + _feed.NuGetSources, "--verbosity=normal", .. arguments],
            RepositoryRoot.Path,
            new Dictionary<string, string> { ["NO_COLOR"] = "1", ["TERM"] = "dumb" });

    public void Dispose() => _directory.Dispose();
}
