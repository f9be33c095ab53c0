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
    Information("Demo: {0} images built from {1}; report: {2}; timeline: {3}; leg logs: {4}/",
        result.Legs.Count(l => l.ImageId != null), example.CombineWithFilePath("matrix.json"), report, timeline, logs);
});

Task("Default")
    .IsDependentOn("Test");

RunTarget(target);
