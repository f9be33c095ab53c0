using System.Text.Json;
using System.Xml.Linq;
using CakeParallel.Docker;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

/// <summary>Reports show the retry policy the legs had, and say a leg waited for a slot only when it did.</summary>
public sealed class ReportedSettingsTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_matrix_files_retries_are_the_policy_the_reports_show()
    {
        // As the docker runner does: every leg carries the matrix's policy; the run's own policy stays the default.
        var matrix = DockerMatrixFile.Parse("""{ "matrix": { "os": ["a"] }, "build": { "context": ".", "retries": 2 } }""", _scratch.Directory);
        var legs = new[] { Scratch.Sh("one", "true"), Scratch.Sh("two", "true") }.Select(l => l with { Retry = matrix.EffectiveRetry }).ToArray();
        var reports = new ReportOptions { ReportFile = _scratch.PathOf("report.json"), HtmlFile = _scratch.PathOf("report.html") };

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options() with { Reports = reports });

        result.Settings!.Retry.MaxAttempts.ShouldBe(3);
        result.Settings.RetryVariesByLeg.ShouldBeFalse();
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(reports.ReportFile));
        json.RootElement.GetProperty("settings").GetProperty("retry").GetProperty("maxAttempts").GetInt32().ShouldBe(3);
        json.RootElement.GetProperty("settings").GetProperty("retryVariesByLeg").GetBoolean().ShouldBeFalse();
        Fact(await File.ReadAllTextAsync(reports.HtmlFile), "Attempts per leg").ShouldBe("up to 3");
    }

    [Fact]
    public async Task Legs_with_different_policies_are_shown_as_set_per_leg()
    {
        var legs = new[] { Scratch.Sh("own", "true") with { Retry = new RetryPolicy { MaxAttempts = 4 } }, Scratch.Sh("default", "true") };
        var reports = new ReportOptions { ReportFile = _scratch.PathOf("report.json"), HtmlFile = _scratch.PathOf("report.html") };

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options() with { Reports = reports });

        result.Settings!.RetryVariesByLeg.ShouldBeTrue();
        result.Settings.Retry.MaxAttempts.ShouldBe(1, "the run's default, for the legs that set none");
        JsonRunReport.Read(reports.ReportFile).Settings!.RetryVariesByLeg.ShouldBeTrue();
        Fact(await File.ReadAllTextAsync(reports.HtmlFile), "Attempts per leg").ShouldBe("set per leg (1 (no retry) where not set)");
    }

    [Fact]
    public async Task Only_a_leg_that_waited_for_a_slot_is_said_to_have_waited()
    {
        var legs = new[] { Scratch.Sh("first", "sleep 0.3"), Scratch.Sh("second", "sleep 0.3"), Scratch.Sh("third", "sleep 0.3") };

        var wide = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 3));
        var narrow = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 1));

        QueuedTitles(wide).ShouldAllBe(t => !t.Contains("waiting", StringComparison.Ordinal), "with a slot for every leg none waited");
        var waited = QueuedTitles(narrow);
        waited.Count(t => t.StartsWith("second: started ", StringComparison.Ordinal) && t.EndsWith(" after the run (waiting for a slot)", StringComparison.Ordinal)).ShouldBe(1);
        waited.Count(t => t.StartsWith("third: started ", StringComparison.Ordinal) && t.EndsWith(" (waiting for a slot)", StringComparison.Ordinal)).ShouldBe(1);
        waited.ShouldAllBe(t => !t.StartsWith("first:", StringComparison.Ordinal) || !t.Contains("waiting", StringComparison.Ordinal));
    }

    private static List<string> QueuedTitles(RunResult result) =>
        XDocument.Parse(HtmlTimeline.Render(result)).Descendants()
            .Where(e => e.Name.LocalName == "line" && (string?)e.Attribute("class") == "queued")
            .Select(e => e.Elements().Single(t => t.Name.LocalName == "title").Value)
            .ToList();

    private static string Fact(string html, string name) =>
        XDocument.Parse(html).Descendants()
            .Where(e => e.Name.LocalName == "dt" && e.Value == name)
            .Select(e => ((XElement)e.NextNode!).Value)
            .Single();
}
