using System.IO.Compression;
using System.Xml.Linq;
using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>The packed addin follows Cake's addin guidelines.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class PackageTests(AddinFeed feed)
{
    [Fact]
    public void The_addin_package_has_the_addin_metadata_docs_and_no_cake_dependency()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Path, $"Cake.Parallel.{feed.Version}.nupkg"));
        var nuspec = XDocument.Load(package.GetEntry("Cake.Parallel.nuspec")!.Open());
        var ns = nuspec.Root!.GetDefaultNamespace();
        var metadata = nuspec.Root.Element(ns + "metadata")!;

        metadata.Element(ns + "id")!.Value.ShouldBe("Cake.Parallel");
        metadata.Element(ns + "tags")!.Value.Split(' ').ShouldContain("cake-addin");
        metadata.Element(ns + "icon")!.Value.ShouldBe("icon.png");
        metadata.Element(ns + "readme")!.Value.ShouldBe("README.md");
        metadata.Element(ns + "projectUrl")!.Value.ShouldStartWith("https://");
        metadata.Element(ns + "description")!.Value.ShouldContain("Cake 7.0.0", Case.Sensitive, "the addin guidelines ask for the Cake version it targets");
        metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ShouldBe(["CakeParallel.Core"]);
        var files = package.Entries.Select(e => e.FullName).ToArray();
        files.ShouldContain("icon.png");
        files.ShouldContain("lib/net10.0/Cake.Parallel.dll");
        files.ShouldContain("lib/net10.0/Cake.Parallel.xml");
        files.ShouldNotContain(f => f.Contains("Cake.Core", StringComparison.Ordinal) || f.Contains("Cake.Common", StringComparison.Ordinal));
    }

    [Fact]
    public void The_engine_package_brings_polly_and_its_docs()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.Path, $"CakeParallel.Core.{feed.Version}.nupkg"));
        var nuspec = XDocument.Load(package.GetEntry("CakeParallel.Core.nuspec")!.Open());
        var ns = nuspec.Root!.GetDefaultNamespace();

        nuspec.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ShouldBe(["Polly.Core"]);
        package.Entries.Select(e => e.FullName).ShouldContain("lib/net10.0/CakeParallel.Core.xml");
        package.Entries.Select(e => e.FullName).ShouldContain("README.md");
        package.Entries.Select(e => e.FullName).ShouldContain("icon.png");
    }

    [Fact]
    public void The_addin_runs_precompiled_code_without_compiling_its_methods_when_a_script_calls_an_alias()
    {
        // ReadyToRun compiles only what it can resolve: without Cake's assemblies among its references (the addin does
        // not ship them), every method that touches a Cake type was left to the JIT, in every script.
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            Task("Default").Does(() => RunParallel(new[] { new ParallelLeg("one", "true") }, new ParallelSettings { LogDirectory = "legs" }));
            RunTarget("Default");
            """);
        var compiled = Path.Combine(script.Directory, "jit-compiled.txt");

        using var cake = script.RunWith(new Dictionary<string, string?> { ["DOTNET_JitStdOutFile"] = compiled, ["DOTNET_JitDisasmSummary"] = "1" });

        cake.ExitCode.ShouldBe(0, cake.Output);
        var methods = File.ReadAllLines(compiled);
        methods.ShouldContain(m => m.Contains("JIT compiled Submission#0:", StringComparison.Ordinal), "the runtime lists the methods it compiled, the script's among them");
        // The engine's too (a method marked AggressiveOptimization, say, would always be compiled at run time).
        methods.Where(m => m.Contains("JIT compiled Cake.Parallel.", StringComparison.Ordinal) || m.Contains("JIT compiled CakeParallel.", StringComparison.Ordinal))
            .ShouldBeEmpty("the addin's and the engine's methods run as precompiled");
    }
}
