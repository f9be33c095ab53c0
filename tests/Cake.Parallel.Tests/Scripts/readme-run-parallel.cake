#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

var target = Argument("target", "Checks");

Task("Checks").Does(() =>
{
    var result = RunParallel(new[]
    {
        new ParallelLeg("unit", "/bin/sh", "-c", "echo running unit tests"),
        new ParallelLeg("lint", "/bin/sh", "-c", "echo linting").SetTimeout(TimeSpan.FromMinutes(5)),
        new ParallelLeg("docs", "/bin/sh", "-c", "echo building docs with the $DOCS_THEME theme")
            .WithEnvironmentVariable("DOCS_THEME", "dark")
            .DependsOn("lint"),
    },
    new ParallelSettings { MaxParallel = 2, LogDirectory = "./artifacts/logs" }
        .WithRetry(3, initialDelay: TimeSpan.FromSeconds(1))
        .WithRetryOnExitCodes(75));

    Information("{0} in {1}", result.CountsDisplay, result.Duration);
});

// Report instead of failing: with ThrowOnFailure = false the task goes on and the result tells what happened.
Task("Report").Does(() =>
{
    var result = RunParallel(
        new[] { new ParallelLeg("may-fail", "/bin/sh", "-c", "echo no network; exit 1") },
        new ParallelSettings { ThrowOnFailure = false, OutputMode = ParallelOutputMode.StatusOnly });
    foreach (var leg in result.Unsuccessful)
    {
        Warning("{0} {1}: {2}", leg.Name, leg.Status, leg.FailureReason);
    }
});

RunTarget(target);
