using CakeParallel.Reports;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Reports;

public sealed class MarkdownSummaryTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_publish_gets_its_line_under_the_headline()
    {
        var run = new RunResult
        {
            Legs = [new LegResult { Name = "app", Id = "a1", Status = LegStatus.Failed }],
            StartedAt = DateTimeOffset.UtcNow,
            Duration = TimeSpan.FromSeconds(1),
            Publish = new PublishResult { Outcome = PublishOutcome.HeldBack, HeldBackBy = [new PublishHoldBack("app", LegStatus.Failed)] },
        };

        MarkdownSummary.Render(run).ShouldContain("\n\nPublish: publish held back by: app (failed)\n\n");
        MarkdownSummary.Render(run with { Publish = null }).ShouldNotContain("Publish:");
    }

    [Fact]
    public async Task The_summary_has_a_row_per_leg_and_the_failures_output()
    {
        var path = _scratch.PathOf("summary.md");
        await MixedRun.RunAsync(_scratch, new ReportOptions { MarkdownFile = path, Environment = new Dictionary<string, string?>() });

        var markdown = await File.ReadAllTextAsync(path);
        markdown.ShouldStartWith("### ❌ CakeParallel: 2 of 4 legs succeeded (2 succeeded, 1 failed, 1 timed out)");
        var rows = markdown.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Skip(2).ToList();
        rows.Count.ShouldBe(4);
        rows[1].ShouldStartWith("| ✅ | flaky | succeeded | ");
        rows[1].ShouldContain(" | 2 | 0 |");
        rows[2].ShouldStartWith("| ❌ | broken | failed | ");
        rows[2].ShouldContain(" | 1 | 3 |");
        rows[3].ShouldStartWith("| ⏱️ | slow | timed out | ");
        markdown.ShouldContain("<details><summary>❌ <b>broken</b>: Exited with code 3: error CS1002: ; expected</summary>");
        // The two lines come from two pipes, so their order is not fixed.
        var block = markdown[(markdown.IndexOf("```text\n", StringComparison.Ordinal) + 8)..];
        block[..block.IndexOf("```", StringComparison.Ordinal)].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ShouldBe(["compiling <lib> & \"app\"", "error CS1002: ; expected"], ignoreOrder: true);
    }

    [Fact]
    public async Task It_is_appended_to_GITHUB_STEP_SUMMARY_when_set()
    {
        var stepSummary = _scratch.PathOf("step_summary.md");
        await File.WriteAllTextAsync(stepSummary, "summary of an earlier step\n");
        var environment = new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary };
        var options = new ReportOptions { Environment = environment };

        await ParallelRunner.RunAsync([Scratch.Sh("first", "true")], _scratch.Options() with { Reports = options });
        await ParallelRunner.RunAsync([Scratch.Sh("second", "exit 4")], _scratch.Options() with { Reports = options });

        var text = await File.ReadAllTextAsync(stepSummary);
        text.ShouldStartWith("summary of an earlier step\n### ✅ CakeParallel: the leg succeeded");
        text.ShouldContain("| ✅ | first | succeeded |");
        text.IndexOf("| ❌ | second | failed |", StringComparison.Ordinal).ShouldBeGreaterThan(text.IndexOf("| ✅ | first |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_step_summary_is_left_alone_when_switched_off_or_not_set()
    {
        var stepSummary = _scratch.PathOf("step_summary.md");
        await File.WriteAllTextAsync(stepSummary, "untouched\n");
        var withVariable = new Dictionary<string, string?> { ["GITHUB_STEP_SUMMARY"] = stepSummary };

        await ParallelRunner.RunAsync([Scratch.Sh("one", "true")], _scratch.Options() with { Reports = new ReportOptions { Environment = withVariable, AppendToStepSummary = false } });
        await ParallelRunner.RunAsync([Scratch.Sh("one", "true")], _scratch.Options() with { Reports = new ReportOptions { Environment = new Dictionary<string, string?>() } });

        (await File.ReadAllTextAsync(stepSummary)).ShouldBe("untouched\n");
    }

    [Fact]
    public async Task Table_cells_cannot_break_the_table_or_inject_markup()
    {
        var path = _scratch.PathOf("summary.md");
        await ParallelRunner.RunAsync(
            [Scratch.Sh("a|b <img src=x> *bold* `tick`", "true")],
            _scratch.Options() with { Reports = new ReportOptions { MarkdownFile = path, Environment = new Dictionary<string, string?>() } });

        var row = (await File.ReadAllTextAsync(path)).Split('\n').Single(l => l.StartsWith("| ✅", StringComparison.Ordinal));
        row.ShouldContain(@"a\|b \<img src=x\> \*bold\* \`tick\`");
        // Eight cell borders: the escaped pipe is not one of them.
        row.Replace(@"\|", "", StringComparison.Ordinal).Count(c => c == '|').ShouldBe(8);
    }
}
