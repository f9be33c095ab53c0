using System.Xml.Linq;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// Reports are written to their files as they are rendered (never held whole): a report of hundreds of legs,
/// written in many pieces, holds exactly the text of its string rendering, every leg once and in order, and the
/// JSON reads back into the same run.
/// </summary>
public sealed class StreamedReportTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void Each_report_file_holds_its_full_rendering_with_every_leg_once_in_order()
    {
        var run = LargeSampleRun.Create(400);
        var stepSummary = _scratch.PathOf("step-summary.md");
        File.WriteAllText(stepSummary, "earlier step\n");
        var options = new ReportOptions
        {
            ReportFile = _scratch.PathOf("out/report.json"),
            JUnitFile = _scratch.PathOf("out/junit.xml"),
            HtmlFile = _scratch.PathOf("out/timeline.html"),
            MarkdownFile = _scratch.PathOf("out/summary.md"),
            Environment = new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary },
        };

        RunReporting.Start(options).Write(run);

        var html = File.ReadAllText(options.HtmlFile);
        html.Length.ShouldBeGreaterThan(500_000);
        html.ShouldBe(HtmlTimeline.Render(run));
        var junit = File.ReadAllText(options.JUnitFile);
        junit.ShouldBe(JUnitReport.Render(run));
        var markdown = File.ReadAllText(options.MarkdownFile);
        markdown.ShouldBe(MarkdownSummary.Render(run));
        File.ReadAllText(stepSummary).ShouldBe("earlier step\n" + markdown + "\n");
        File.ReadAllText(options.ReportFile).ShouldBe(JsonRunReport.Render(run));

        // Pieces neither lost nor repeated: each leg appears once, in the run's order.
        var ids = run.Legs.Select(l => l.Id).ToList();
        var page = XDocument.Parse(html);
        page.Descendants().Where(e => (string?)e.Attribute("class") is { } c && c.StartsWith("row status-", StringComparison.Ordinal))
            .Select(e => (string)e.Attribute("data-leg")!).ShouldBe(ids);
        page.Descendants().Where(e => (string?)e.Attribute("class") is { } c && c.StartsWith("leg status-", StringComparison.Ordinal)).Count().ShouldBe(ids.Count);
        XDocument.Parse(junit).Descendants("testcase").Select(e => (string)e.Attribute("name")!).ShouldBe(run.Legs.Select(l => ReportText.Clean(l.Name)));
        markdown.Split('\n').Count(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| |", StringComparison.Ordinal) && !l.StartsWith("| :-:", StringComparison.Ordinal)).ShouldBe(ids.Count);

        var read = JsonRunReport.Read(options.ReportFile);
        read.Legs.Select(l => l.Id).ShouldBe(ids);
        read.Legs.Select(l => l.Status).ShouldBe(run.Legs.Select(l => l.Status));
        read.Legs.Select(l => l.Attempts.Count).ShouldBe(run.Legs.Select(l => l.Attempts.Count));
        read.Legs.SelectMany(l => l.OutputTail).ShouldBe(run.Legs.SelectMany(l => l.OutputTail));
        read.RunId.ShouldBe(run.RunId);
        read.Shard.ShouldBe(run.Shard);
    }
}
