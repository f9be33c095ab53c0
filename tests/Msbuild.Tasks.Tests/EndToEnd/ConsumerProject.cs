using System.Text.Json;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>A generated project in its own folder that consumes the task package through a PackageReference.</summary>
public sealed class ConsumerProject
{
    private readonly TaskPackageFeed _feed;

    internal ConsumerProject(TaskPackageFeed feed, string directory)
    {
        _feed = feed;
        Directory = directory;
        ProjectFile = Path.Combine(directory, "Consumer.csproj");
        System.IO.Directory.CreateDirectory(directory);

        // Keep the repository's and the machine's settings out: only the test feed, no inherited props.
        File.WriteAllText(Path.Combine(directory, "Directory.Build.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Build.targets"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "Directory.Packages.props"), "<Project />");
        File.WriteAllText(Path.Combine(directory, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="cakeparallel-test-feed" value="{feed.FeedDirectory}" />
              </packageSources>
            </configuration>
            """);
    }

    public string Directory { get; }

    public string ProjectFile { get; private set; }

    public string LogFile => Path.Combine(Directory, "build.log");

    /// <summary>Writes a project that references the package and holds <paramref name="body"/> (items and targets).</summary>
    public ConsumerProject WithBody(string body)
    {
        File.WriteAllText(ProjectFile, $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="CakeParallel.MSBuild" Version="{TaskPackageFeed.PackageVersion}" PrivateAssets="all" />
              </ItemGroup>
            {body}
            </Project>
            """);
        return this;
    }

    /// <summary>Copies a folder's files (e.g. the example) into the consumer folder and builds <paramref name="projectFileName"/> from it.</summary>
    public ConsumerProject WithFilesFrom(string source, string projectFileName)
    {
        ProjectFile = Path.Combine(Directory, projectFileName);
        foreach (var file in System.IO.Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            // The example's nuget.config points at artifacts/packages of a clone; the consumer restores from the test feed.
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj" or "nuget.config")
            {
                continue;
            }

            var target = Path.Combine(Directory, relative);
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return this;
    }

    /// <summary>The arguments of <c>dotnet msbuild</c> for <paramref name="target"/>, logging in detail to <see cref="LogFile"/>.</summary>
    public string[] MSBuildArguments(string target, params string[] extra) =>
    [
        "msbuild", ProjectFile, "-restore", "-nodeReuse:false", "-nologo", "-tl:off", "-t:" + target,
        $"-flp:LogFile={LogFile};Verbosity=detailed", .. extra,
    ];

    /// <summary>
    /// Runs <c>dotnet msbuild -restore -t:target -getItem:item</c> and reads the log and the items; without an item,
    /// the console shows the build's output as a CI log would.
    /// </summary>
    /// <param name="target">The target to build.</param>
    /// <param name="item">The item type to read as JSON, or <see langword="null"/> for the console output.</param>
    /// <param name="limit">How long the build may take (default 3 minutes).</param>
    /// <param name="environment">Variables added to the build's environment (e.g. a CI system's).</param>
    /// <param name="arguments">More arguments of <c>dotnet msbuild</c>, e.g. <c>-p:Name=value</c>.</param>
    public async Task<MSBuildRun> BuildAsync(string target, string? item, TimeSpan? limit = null, IReadOnlyDictionary<string, string>? environment = null, string[]? arguments = null)
    {
        var variables = new Dictionary<string, string>(_feed.Environment);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        string[] extra = [.. arguments ?? [], .. item is null ? Array.Empty<string>() : ["-getItem:" + item]];
        var result = await DotnetCommand.RunAsync(Directory, variables, limit ?? TimeSpan.FromMinutes(3), MSBuildArguments(target, extra));
        return new MSBuildRun(result, File.Exists(LogFile) ? File.ReadAllText(LogFile) : "", item);
    }

    internal DotnetProcess Start(string target) => DotnetCommand.Start(Directory, _feed.Environment, MSBuildArguments(target));
}

/// <summary>The outcome of one <c>dotnet msbuild</c> run: exit code, detailed log and the requested items.</summary>
public sealed class MSBuildRun
{
    internal MSBuildRun(DotnetResult result, string log, string? item)
    {
        Result = result;
        Log = log;
        Items = ReadItems(result.Stdout, item);
    }

    internal DotnetResult Result { get; }

    public int ExitCode => Result.ExitCode;

    public string Log { get; }

    /// <summary>What the build printed on standard output (the console log, when no item was requested).</summary>
    public string Console => Result.Stdout;

    /// <summary>The items' metadata by item identity (identity under "Identity").</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string>> Items { get; }

    public IReadOnlyDictionary<string, string> Item(string identity) =>
        Items.SingleOrDefault(i => i["Identity"] == identity)
        ?? throw new InvalidOperationException($"No item '{identity}' in the output; items: {string.Join(", ", Items.Select(i => i["Identity"]))}{Environment.NewLine}{Result}");

    /// <summary>Codes of the errors in the log, e.g. CPAR0101 (each error once, as the log's error summary repeats them).</summary>
    public IReadOnlyList<string> ErrorLines => Log.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();

    public IReadOnlyList<string> WarningLines => Log.Split('\n').Where(l => l.Contains(": warning ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToArray();

    public override string ToString() => Result + Environment.NewLine + "log:" + Environment.NewLine + Log;

    private static IReadOnlyList<IReadOnlyDictionary<string, string>> ReadItems(string stdout, string? item)
    {
        var start = stdout.IndexOf('{');
        if (item is null || start < 0)
        {
            return [];
        }

        using var json = JsonDocument.Parse(stdout[start..]);
        if (!json.RootElement.TryGetProperty("Items", out var items) || !items.TryGetProperty(item, out var list))
        {
            return [];
        }

        return list.EnumerateArray()
            .Select(e => (IReadOnlyDictionary<string, string>)e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? ""))
            .ToArray();
    }
}
