// This repository's build, run by ../build.sh. It loads Cake.Parallel from the feed build.sh packs from this checkout.
#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

var target = Argument("target", "Test");
var configuration = Argument("configuration", "Release");

// Cake runs with this script's folder as working directory.
var root = MakeAbsolute(Directory(".."));
var artifacts = root.Combine("artifacts");
var solution = root.CombineWithFilePath("CakeParallel.sln");

Task("Build")
    .Does(() =>
{
    DotNetBuild(solution.FullPath, new DotNetBuildSettings { Configuration = configuration });
});

Task("Test")
    .IsDependentOn("Build")
    .Does(() =>
{
    // Each test project is a leg: its own process group, timeout and log file; the summary names what failed.
    var legs = GetFiles(root.FullPath + "/tests/*/*.Tests.csproj")
        .Select(project => new ParallelLeg(
            project.GetFilenameWithoutExtension().FullPath,
            "dotnet", "test", project.FullPath, "--configuration", configuration, "--no-build"));
    RunParallel(legs, new ParallelSettings
    {
        MaxParallel = 2,
        Timeout = TimeSpan.FromMinutes(30),
        OutputMode = ParallelOutputMode.Grouped,
        LogDirectory = artifacts.Combine("test-logs"),
        JUnitFile = artifacts.CombineWithFilePath("test-legs.xml"),
    });
});

Task("Pack")
    .Does(() =>
{
    foreach (var project in new[] { "src/CakeParallel.Core", "src/Cake.Parallel", "src/Msbuild.Tasks" })
    {
        DotNetPack(root.Combine(project).FullPath, new DotNetPackSettings
        {
            Configuration = configuration,
            OutputDirectory = artifacts.Combine("packages"),
        });
    }
});

Task("Demo")
    .Does(() =>
{
    var example = root.Combine("examples/docker-matrix");
    var dockerVersion = StartProcess("docker", new ProcessSettings
    {
        Arguments = "version --format {{.Server.Version}}",
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    });
    if (dockerVersion != 0)
    {
        throw new CakeException("The Demo needs a Docker daemon, but none is reachable (`docker version` failed): run ./build.sh --target=Demo, which starts one, or start dockerd or point DOCKER_HOST at one.");
    }

    if (StartProcess(example.CombineWithFilePath("prepare-base-image.sh")) != 0)
    {
        throw new CakeException($"Preparing the demo's base image failed (see the output above of {example}/prepare-base-image.sh).");
    }

    // Docker legs show their build steps compactly (ParallelOutputMode.Steps); every line is in the leg logs.
    var demo = artifacts.Combine("demo");
    var logs = demo.Combine("logs");
    var report = demo.CombineWithFilePath("report.json");
    var timeline = demo.CombineWithFilePath("timeline.html");
    var result = DockerBuildMatrix(example.CombineWithFilePath("matrix.json"), new ParallelSettings
    {
        LogDirectory = logs,
        ReportFile = report,
        HtmlFile = timeline,
    });
    // A second Demo finds every image up to date (same inputs hash) and builds nothing.
    Information("Demo: {0} images ({1} built, {2} up to date) from {3}; report: {4}; timeline: {5}; leg logs: {6}/",
        result.Legs.Count(l => l.ImageId != null), result.Legs.Count(l => l.Status == LegStatus.Succeeded), result.Legs.Count(l => l.Status == LegStatus.UpToDate),
        example.CombineWithFilePath("matrix.json"), report, timeline, logs);
});

Task("DemoEngines")
    .Does(() =>
{
    // The example matrix over a pool of two engines this target starts (beside the default daemon), each tag pushed
    // to a registry it starts too; everything it started is stopped again, whatever happens.
    var example = root.Combine("examples/docker-matrix");
    var pool = artifacts.Combine("demo-engines");
    var poolScript = example.CombineWithFilePath("engine-pool.sh").FullPath;
    EnsureDirectoryExists(pool);
    var start = StartAndReturnProcess("sh", new ProcessSettings
    {
        Arguments = new ProcessArgumentBuilder().Append(poolScript).Append("start").AppendQuoted(pool.FullPath).Append("2"),
        RedirectStandardOutput = true,
    });
    start.WaitForExit();
    var hosts = start.GetStandardOutput().Where(l => l.StartsWith("unix://")).ToArray();
    try
    {
        if (start.GetExitCode() != 0 || hosts.Length != 2)
        {
            throw new CakeException($"Starting the demo's engines and registry failed (see {pool}/e*/dockerd.log and {pool}/registry/registry.log).");
        }

        var registry = System.IO.File.ReadAllText(pool.CombineWithFilePath("registry.address").FullPath).Trim();
        var matrix = System.Text.Json.Nodes.JsonNode.Parse(System.IO.File.ReadAllText(example.CombineWithFilePath("matrix.json").FullPath))!;
        var build = matrix["build"]!.AsObject();
        build["context"] = example.FullPath;
        build["dockerfile"] = example.CombineWithFilePath("Dockerfile").FullPath;
        build["tags"] = new System.Text.Json.Nodes.JsonArray(registry + "/cakeparallel-example/app:node{node}-{os}");
        build["push"] = true;
        build["endpoints"] = new System.Text.Json.Nodes.JsonArray(
            new System.Text.Json.Nodes.JsonObject { ["host"] = hosts[0], ["name"] = "engine-1", ["maxParallel"] = 2 },
            new System.Text.Json.Nodes.JsonObject { ["host"] = hosts[1], ["name"] = "engine-2", ["maxParallel"] = 2 });
        build.Remove("maxParallel");
        var matrixFile = pool.CombineWithFilePath("matrix.json");
        System.IO.File.WriteAllText(matrixFile.FullPath, matrix.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var timeline = artifacts.CombineWithFilePath("demo-engines/timeline.html");
        var result = DockerBuildMatrix(matrixFile, new ParallelSettings
        {
            LogDirectory = pool.Combine("logs"),
            ReportFile = pool.CombineWithFilePath("report.json"),
            HtmlFile = timeline,
        });
        foreach (var leg in result.Legs)
        {
            Information("{0}: built on {1}, pushed {2}", leg.Name, leg.Endpoint, string.Join(", ", leg.PushedDigests.Select(p => $"{p.Key}@{p.Value}")));
        }

        Information("DemoEngines: {0} legs over {1}, pushed to {2}; timeline: {3}", result.Legs.Count, string.Join(" and ", hosts), registry, timeline);
    }
    finally
    {
        StartProcess("sh", new ProcessSettings { Arguments = new ProcessArgumentBuilder().Append(poolScript).Append("stop").AppendQuoted(pool.FullPath) });
    }
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
