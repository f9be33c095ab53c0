#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

// Test script: "compile" and "docs" pass, "integration" fails until <state>/fixed exists. Every execution of a leg
// appends a line to <state>/<leg>.runs, so the test can count how often each leg ran. Reports go to
// artifacts/reports under the script's folder; --resume re-runs only what did not succeed in the last report.
var state = Argument<string>("state");
var resume = HasArgument("resume");

Task("Default").Does(() =>
{
    string Counted(string leg, string then) => $"echo run >> '{state}/{leg}.runs'; {then}";
    var legs = new[]
    {
        new ParallelLeg("compile", "/bin/sh", "-c", Counted("compile", "echo compiled")),
        new ParallelLeg("integration", "/bin/sh", "-c", Counted("integration", $"test -e '{state}/fixed' || {{ echo 'database: connection refused'; exit 4; }}; echo integration passed")),
        new ParallelLeg("docs", "/bin/sh", "-c", Counted("docs", "echo docs built")),
    };
    var settings = new ParallelSettings()
        .SetReportFile("artifacts/reports/report.json")
        .SetJUnitFile("artifacts/reports/junit.xml")
        .SetMarkdownFile("artifacts/reports/summary.md")
        .SetHtmlFile("artifacts/reports/timeline.html");
    if (resume)
    {
        settings.SetResumeFrom("artifacts/reports/report.json");
    }

    var result = RunParallel(legs, settings);
    Information("RESULT {0}", string.Join(",", result.Legs.Select(l => l.Name + "=" + l.Status)));
});

RunTarget("Default");
