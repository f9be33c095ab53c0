using System.Globalization;

namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// A local NuGet folder feed holding freshly packed Cake.Parallel and CakeParallel.Core packages, packed once per
/// test run with a version of their own, so no cached copy of an earlier build can be loaded by mistake.
/// </summary>
public sealed class AddinFeed : IDisposable
{
    /// <summary>The version the README and the example scripts pin in their <c>#addin</c> line.</summary>
    public const string DocumentedVersion = "0.1.0";

    private readonly TempDirectory _directory = new("cakeparallel-feed");

    public AddinFeed()
    {
        Version = "0.1.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        PackageFeed.Run("dotnet", "tool", "restore");
        PackageFeed.Pack(Path, Version, "src/CakeParallel.Core", "src/Cake.Parallel");
    }

    /// <summary>The feed folder.</summary>
    public string Path => _directory.Path;

    /// <summary>The version of the packages in the feed.</summary>
    public string Version { get; }

    /// <summary>
    /// The <c>--nuget_source</c> value: this feed. Cake searches it first, then the sources of the machine's NuGet
    /// configuration (where Polly.Core comes from).
    /// </summary>
    public string NuGetSources => Path;

    /// <summary>Pins the script's <c>#addin</c> of Cake.Parallel to the freshly packed version.</summary>
    public string PinAddinVersion(string script) =>
        script.Replace($"package=Cake.Parallel&version={DocumentedVersion}&", $"package=Cake.Parallel&version={Version}&", StringComparison.Ordinal);

    public void Dispose() => _directory.Dispose();
}

/// <summary>Tests that run the real <c>dotnet cake</c> share one packed feed.</summary>
[CollectionDefinition(Name)]
public sealed class DotnetCakeCollection : ICollectionFixture<AddinFeed>
{
    public const string Name = "dotnet cake";
}
