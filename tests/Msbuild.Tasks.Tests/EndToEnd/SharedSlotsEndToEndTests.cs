using System.Globalization;

namespace CakeParallel.MSBuild.Tests.EndToEnd;

/// <summary>Machine-wide slots across the nodes of one <c>dotnet msbuild -m</c> build: two projects, one pool.</summary>
[Collection(MSBuildEndToEnd.Name)]
public sealed class SharedSlotsEndToEndTests(TaskPackageFeed feed)
{
    [Fact]
    public async Task Two_projects_built_on_two_nodes_never_run_more_legs_at_once_than_the_shared_pool_has_slots()
    {
        var pool = "e2e-" + Guid.NewGuid().ToString("N")[..12];
        var consumer = feed.NewConsumer("shared-slots");
        var stamps = Path.Combine(consumer.Directory, "stamps");
        var source = Path.Combine(consumer.Directory, "source");
        foreach (var project in new[] { "a", "b" })
        {
            Directory.CreateDirectory(Path.Combine(source, project));
            var legs = string.Join("\n", Enumerable.Range(1, 4).Select(i =>
                $"""    <Leg Include="{project}{i}" Command="echo %24(date +%25s%25N) %24PPID &gt; '{stamps}/{project}{i}.start'; sleep 1; echo %24(date +%25s%25N) &gt; '{stamps}/{project}{i}.end'" />"""));
            File.WriteAllText(Path.Combine(source, project, project + ".csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <TargetFramework>net10.0</TargetFramework>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="CakeParallel.MSBuild" Version="{TaskPackageFeed.PackageVersion}" PrivateAssets="all" />
                  </ItemGroup>
                  <ItemGroup>
                {legs}
                  </ItemGroup>
                  <Target Name="RunLegs">
                    <MakeDir Directories="{stamps}" />
                    <ParallelExec Commands="@(Leg)" MaxParallel="4" SharedSlots="{pool}:2" />
                  </Target>
                </Project>
                """);
        }

        File.WriteAllText(Path.Combine(source, "both.slnx"), """
            <Solution>
              <Project Path="a/a.csproj" />
              <Project Path="b/b.csproj" />
            </Solution>
            """);
        consumer.WithFilesFrom(source, "both.slnx");

        try
        {
            var run = await consumer.BuildAsync("RunLegs", null, arguments: ["-m:2"]);

            run.ExitCode.ShouldBe(0, run.ToString());
            var starts = Directory.GetFiles(stamps, "*.start").Select(f => File.ReadAllText(f).Split(' ')).ToArray();
            starts.Length.ShouldBe(8, run.ToString());

            // Two MSBuild nodes (two processes) ran the legs: their parents differ.
            starts.Select(s => s[1].Trim()).Distinct().Count().ShouldBe(2, "the legs' parent processes");
            var events = Directory.GetFiles(stamps)
                .Select(f => (At: long.Parse(File.ReadAllText(f).Split(' ')[0].Trim(), CultureInfo.InvariantCulture), Delta: f.EndsWith(".start", StringComparison.Ordinal) ? 1 : -1))
                .OrderBy(e => e.At).ThenBy(e => e.Delta);
            var running = 0;
            var peak = 0;
            foreach (var e in events)
            {
                running += e.Delta;
                peak = Math.Max(peak, running);
            }

            peak.ShouldBe(2);
            run.Log.ShouldContain($"waiting for a machine-wide slot: all 2 slot(s) of the shared pool '{pool}' are held: ");
        }
        finally
        {
            Directory.Delete(Path.Combine("/tmp/cakeparallel-slots", pool), recursive: true);
        }
    }
}
