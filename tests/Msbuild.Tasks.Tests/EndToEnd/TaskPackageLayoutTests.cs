using System.IO.Compression;
using System.Xml.Linq;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

[Collection(MSBuildEndToEnd.Name)]
public sealed class TaskPackageLayoutTests(TaskPackageFeed feed)
{
    [Fact]
    public void The_package_is_a_development_dependency_with_the_tasks_and_all_their_dependencies_and_no_package_dependencies()
    {
        using var package = ZipFile.OpenRead(Path.Combine(feed.FeedDirectory, $"CakeParallel.MSBuild.{TaskPackageFeed.PackageVersion}.nupkg"));
        var files = package.Entries.Select(e => e.FullName).ToArray();

        files.ShouldContain("build/CakeParallel.MSBuild.props");
        files.ShouldContain("tasks/net10.0/CakeParallel.MSBuild.dll");
        files.ShouldContain("tasks/net10.0/CakeParallel.Core.dll");
        files.ShouldContain("tasks/net10.0/Polly.Core.dll");
        files.ShouldContain("tasks/net10.0/CakeParallel.MSBuild.deps.json");
        files.ShouldNotContain(f => f.StartsWith("lib/", StringComparison.Ordinal), "nothing may be referenced by the consuming project");
        files.ShouldNotContain(f => f.Contains("Microsoft.Build", StringComparison.Ordinal), "MSBuild's own assemblies come from the running MSBuild");

        using var nuspecStream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value.ShouldBe("true");
        metadata.Elements().Single(e => e.Name.LocalName == "readme").Value.ShouldBe("README.md");
        metadata.Elements().Single(e => e.Name.LocalName == "icon").Value.ShouldBe("icon.png");
        files.ShouldContain("README.md");
        files.ShouldContain("icon.png");
        metadata.Elements().ShouldNotContain(e => e.Name.LocalName == "dependencies");

        using var propsStream = package.GetEntry("build/CakeParallel.MSBuild.props")!.Open();
        var props = XDocument.Load(propsStream);
        props.Descendants().Where(e => e.Name.LocalName == "UsingTask").Select(e => e.Attribute("TaskName")!.Value)
            .ShouldBe(["CakeParallel.MSBuild.ParallelExec", "CakeParallel.MSBuild.DockerBuildMatrix", "CakeParallel.MSBuild.PlanShards", "CakeParallel.MSBuild.MergeReports", "CakeParallel.MSBuild.StartService", "CakeParallel.MSBuild.StopService"]);
    }

    [Fact]
    public async Task The_task_assembly_runs_precompiled_code_without_compiling_its_methods_when_a_build_runs_the_task()
    {
        // ReadyToRun compiles only what it can resolve: without MSBuild's assemblies among its references (they are not
        // shipped with the task), every method that touches an MSBuild type was left to the JIT, in every build.
        var consumer = feed.NewConsumer("precompiled");
        consumer.WithBody("""
              <ItemGroup>
                <Leg Include="one" Executable="true" />
              </ItemGroup>
              <Target Name="RunLegs">
                <ParallelExec Commands="@(Leg)" LogDirectory="legs" />
              </Target>
            """);
        var compiled = Path.Combine(consumer.Directory, "jit-compiled.txt");

        var run = await consumer.BuildAsync("RunLegs", null, environment: new Dictionary<string, string>
        {
            ["DOTNET_JitStdOutFile"] = compiled,
            ["DOTNET_JitDisasmSummary"] = "1",
        });

        run.ExitCode.ShouldBe(0, run.ToString());
        var methods = File.ReadAllLines(compiled);
        methods.ShouldContain(m => m.Contains("JIT compiled", StringComparison.Ordinal), "the runtime lists the methods it compiled");
        // The engine's too (CakeParallel.*; a method marked AggressiveOptimization, say, would always be compiled at run time).
        methods.Where(m => m.Contains("JIT compiled CakeParallel.", StringComparison.Ordinal)).ShouldBeEmpty("the task's and the engine's methods run as precompiled");
    }
}
