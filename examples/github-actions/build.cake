// One matrix, N CI jobs, one report: see README.md here and workflow.yml for the GitHub Actions side.
//   Plan  -- splits the matrix into shards (history: the last merged report), writes artifacts/shard-plan.json
//            and, on GitHub Actions, shards=[...] to $GITHUB_OUTPUT
//   Shard -- runs the legs of the shard named by CAKEPARALLEL_SHARD (i/n) as the plan lists them
//   Merge -- merges artifacts/reports/*.json into artifacts/merged/ (and the step summary), keeps it as history
#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

var target = Argument("target", "Shard");
var shards = Argument("shards", "auto");
var planFile = File("artifacts/shard-plan.json");
var historyFile = File("history/report.json");

// The matrix: plain shell legs of different lengths (a real one runs tests, builds images, ...).
var legs = new[]
{
    ("compile", 1.5), ("unit-tests", 1.0), ("integration-tests", 2.0), ("lint", 0.3),
    ("docs", 0.3), ("package", 0.6), ("smoke-linux", 0.8), ("smoke-alpine", 0.8),
}.Select(l => new ParallelLeg(l.Item1, "/bin/sh", "-c", $"sleep {l.Item2.ToString(System.Globalization.CultureInfo.InvariantCulture)}; echo {l.Item1} done")).ToArray();

ICollection<FilePath> History() => FileExists(historyFile) ? new List<FilePath> { historyFile } : new List<FilePath>();

Task("Plan").Does(() =>
{
    PlanShards(legs, new ShardPlanSettings
    {
        Shards = shards,
        Target = TimeSpan.FromSeconds(3),
        HistoryFrom = History(),
        PlanFile = planFile,
    });
});

Task("Shard").Does(() =>
{
    // CAKEPARALLEL_SHARD (set once per CI job) says which shard; the plan says which legs it has.
    var shard = EnvironmentVariable("CAKEPARALLEL_SHARD") ?? "1/1";
    RunParallel(legs, new ParallelSettings
    {
        MaxParallel = 2,
        ShardPlan = FileExists(planFile) ? (FilePath)planFile : null,
        HistoryFrom = History(),
        ReportFile = File($"artifacts/reports/shard-{shard.Replace('/', '-')}.json"),
    });
});

Task("Merge").Does(() =>
{
    MergeReports(GetFiles("artifacts/reports/*.json"), new MergeReportsSettings
    {
        ReportFile = "artifacts/merged/report.json",
        JUnitFile = "artifacts/merged/junit.xml",
        MarkdownFile = "artifacts/merged/summary.md",
        HtmlFile = "artifacts/merged/timeline.html",
    });
    EnsureDirectoryExists("history");
    CopyFile("artifacts/merged/report.json", historyFile);
});

RunTarget(target);
