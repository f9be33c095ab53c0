namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>
/// Packs src/Msbuild.Tasks once per test run into a temporary folder feed, with its own NuGet packages folder,
/// so consumers restore exactly this build of the package and never a stale copy.
/// </summary>
public sealed class TaskPackageFeed : IAsyncLifetime
{
    public const string PackageVersion = "0.1.0";

    public string Root { get; } = Directory.CreateTempSubdirectory("cpar-msbuild-e2e-").FullName;

    public string FeedDirectory => Path.Combine(Root, "feed");

    public string PackagesDirectory => Path.Combine(Root, "packages");

    /// <summary>The environment every consumer build runs with (the isolated packages folder).</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesDirectory };

    public Task InitializeAsync()
    {
        PackageFeed.Pack(FeedDirectory, PackageVersion, "src/Msbuild.Tasks");
        return Task.CompletedTask;
    }

    /// <summary>A new consumer project folder that restores from this feed only.</summary>
    public ConsumerProject NewConsumer(string name) => new(this, Path.Combine(Root, "consumers", name + "-" + Guid.NewGuid().ToString("N")[..8]));

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp cleaner.
        }

        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class MSBuildEndToEnd : ICollectionFixture<TaskPackageFeed>
{
    public const string Name = "dotnet msbuild end to end";
}
