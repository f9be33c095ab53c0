namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// A Cake script in a folder of its own (so its addins are installed fresh) run by the real <c>dotnet cake</c>
/// from the repository's tool manifest, loading Cake.Parallel from the test feed.
/// </summary>
internal sealed class CakeScript : IDisposable
{
    private readonly AddinFeed _feed;
    private readonly TempDirectory _directory = new("cakeparallel-script");

    public CakeScript(AddinFeed feed, string text, string relativePath = "build.cake")
    {
        _feed = feed;
        ScriptPath = _directory.Combine(relativePath);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(ScriptPath)!);
        File.WriteAllText(ScriptPath, feed.PinAddinVersion(text));
    }

    /// <summary>The folder the script tree lives in.</summary>
    public string Directory => _directory.Path;

    public string ScriptPath { get; }

    /// <summary>Copies a folder of the repository into the script's tree, at the same relative path.</summary>
    public void CopyFromRepository(string relativeFolder)
    {
        var source = System.IO.Path.Combine(RepositoryRoot.Path, relativeFolder);
        foreach (var file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = _directory.Combine(relativeFolder, System.IO.Path.GetRelativePath(source, file));
            System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target); // keeps the mode bits, so the example's script stays executable
        }
    }

    public static string FromFile(string relativePath) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, relativePath));

    /// <summary>Runs the script to its end.</summary>
    public ChildProcess Run(params string[] arguments) => RunWith(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the script to its end with extra environment variables.</summary>
    public ChildProcess RunWith(IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var process = Start(environment, arguments);
        process.WaitForExit(TimeSpan.FromMinutes(5));
        return process;
    }

    /// <summary>
    /// Starts the script in a session of its own (like a job started from a shell), so a test can signal its
    /// process group the way a terminal's Ctrl+C does.
    /// </summary>
    public ChildProcess Start(params string[] arguments) => Start(new Dictionary<string, string>(), arguments);

    /// <summary>Runs the script to its end on a pseudo-terminal (through script(1)), as in an interactive shell with colours.</summary>
    public ChildProcess RunOnTerminal()
    {
        var command = string.Join(' ', CakeCommand([]).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var process = ChildProcess.Start(
            "script",
            ["--quiet", "--return", "--command", command, "/dev/null"],
            RepositoryRoot.Path,
            new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color" });
        process.WaitForExit(TimeSpan.FromMinutes(5));
        return process;
    }

    private ChildProcess Start(IReadOnlyDictionary<string, string> environment, string[] arguments) =>
        ChildProcess.Start(
            "setsid",
            CakeCommand(arguments),
            RepositoryRoot.Path,
            new Dictionary<string, string?>(environment.Select(e => KeyValuePair.Create(e.Key, (string?)e.Value))) { ["NO_COLOR"] = "1", ["TERM"] = "dumb" });

    private string[] CakeCommand(string[] arguments) =>
        ["dotnet", "cake", ScriptPath, "--nuget_source=" + _feed.NuGetSources, "--verbosity=normal", .. arguments];

    public void Dispose() => _directory.Dispose();
}
