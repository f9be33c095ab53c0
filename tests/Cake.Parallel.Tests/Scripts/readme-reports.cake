#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

var target = Argument("target", "Test");

// Every run leaves its reports; with --rerun-failed only the legs that did not succeed last time run again.
Task("Test").Does(() =>
{
    var settings = new ParallelSettings { MaxParallel = 2 }
        .SetReportFile("./artifacts/parallel/report.json")
        .SetJUnitFile("./artifacts/parallel/junit.xml")
        .SetMarkdownFile("./artifacts/parallel/summary.md")
        .SetHtmlFile("./artifacts/parallel/timeline.html");
    if (HasArgument("rerun-failed"))
    {
        settings.SetResumeFrom("./artifacts/parallel/report.json");
    }

    RunParallel(new[]
    {
        new ParallelLeg("unit", "./ci/unit-tests.sh"),
        new ParallelLeg("integration", "./ci/integration-tests.sh"),
        new ParallelLeg("e2e", "./ci/e2e-tests.sh"),
    },
    settings);
});

RunTarget(target);
