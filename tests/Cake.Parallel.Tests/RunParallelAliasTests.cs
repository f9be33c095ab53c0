using System.Text.RegularExpressions;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

/// <summary>The alias against real child processes, with the Cake log recorded in-process.</summary>
public sealed class RunParallelAliasTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestCakeContext _context;

    public RunParallelAliasTests() => _context = new TestCakeContext(_temp.Path);

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Live_output_is_prefixed_with_the_aligned_leg_name()
    {
        var result = _context.RunParallel(
        [
            new ParallelLeg("a", "/bin/sh", "-c", "echo alpha"),
            new ParallelLeg("longer-name", "/bin/sh", "-c", "echo beta"),
        ]);

        result.Succeeded.ShouldBeTrue();
        var lines = _context.Log.Lines;
        lines.ShouldContain("a           | alpha");
        lines.ShouldContain("longer-name | beta");
        lines.ShouldContain("a           | ** started");
        lines.ShouldContain(l => l.StartsWith("longer-name | ** succeeded in ", StringComparison.Ordinal));
    }

    [Fact]
    public void Grouped_output_prints_each_leg_as_one_block_when_it_ends()
    {
        _context.RunParallel(
        [
            new ParallelLeg("one", "/bin/sh", "-c", "echo 1a; sleep 0.3; echo 1b"),
            new ParallelLeg("two", "/bin/sh", "-c", "echo 2a; sleep 0.3; echo 2b"),
        ],
        new ParallelSettings().SetOutputMode(ParallelOutputMode.Grouped));

        var lines = _context.Log.Lines.ToList();
        var one = lines.IndexOf("--- one (succeeded) ---");
        var two = lines.IndexOf("--- two (succeeded) ---");
        one.ShouldBeGreaterThanOrEqualTo(0);
        two.ShouldBeGreaterThanOrEqualTo(0);
        lines.Skip(one + 1).Take(2).ShouldBe(["1a", "1b"]);
        lines.Skip(two + 1).Take(2).ShouldBe(["2a", "2b"]);
    }

    [Fact]
    public void Status_only_shows_status_lines_and_the_summary_but_no_output()
    {
        _context.RunParallel([new ParallelLeg("quiet", "/bin/sh", "-c", "echo hidden-line")], new ParallelSettings { OutputMode = ParallelOutputMode.StatusOnly });

        var lines = _context.Log.Lines;
        lines.ShouldNotContain(l => l.Contains("hidden-line", StringComparison.Ordinal));
        lines.ShouldContain("quiet | ** started");
        lines.ShouldContain(l => l.StartsWith("Parallel run finished in ", StringComparison.Ordinal) && l.EndsWith(": 1 succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public void A_retry_is_announced_with_its_reason_and_delay_and_the_summary_counts_attempts()
    {
        var counter = _temp.Combine("attempts");
        var flaky = $"n=$(cat '{counter}' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '{counter}'; [ $n -ge 2 ] || {{ echo flake; exit 75; }}; echo passed";

        var result = _context.RunParallel(
            [new ParallelLeg("flaky", "/bin/sh", "-c", flaky)],
            new ParallelSettings().WithRetry(3, TimeSpan.FromMilliseconds(50)).WithRetryOnExitCodes(75));

        result.Legs[0].Status.ShouldBe(LegStatus.Succeeded);
        result.Legs[0].Attempts.Count.ShouldBe(2);
        var warning = _context.Log.LinesAt(LogLevel.Warning).ShouldHaveSingleItem();
        warning.ShouldStartWith("flaky | ** attempt 1 of 3 failed (exit 75); retrying in ");
        warning.ShouldContain("75");
        _context.Log.Lines.ShouldContain("flaky | ** attempt 2 of 3 started");
        _context.Log.Lines.ShouldContain(l => l.StartsWith("flaky | ** succeeded after 2 attempts in ", StringComparison.Ordinal));
        _context.Log.Lines.ShouldContain(l => SummaryRow(l, "flaky", "succeeded", 2, "0"));
    }

    [Fact]
    public void A_failed_leg_throws_a_cake_exception_naming_it_after_its_output_tail_and_the_summary()
    {
        var exception = Should.Throw<CakeException>(() => _context.RunParallel(
        [
            new ParallelLeg("good", "/bin/sh", "-c", "echo fine"),
            new ParallelLeg("bad", "/bin/sh", "-c", "echo first-clue; echo boom >&2; exit 3"),
        ]));

        exception.Message.ShouldStartWith("1 of 2 parallel legs did not succeed: 'bad' failed");
        var lines = _context.Log.Lines.ToList();
        var header = lines.FindIndex(l => l.StartsWith("=== bad: failed, exit 3 - ", StringComparison.Ordinal));
        header.ShouldBeGreaterThanOrEqualTo(0);
        lines.Skip(header + 1).Take(2).ShouldBe(["    first-clue", "    boom"]);
        lines.FindIndex(l => l.StartsWith("Parallel run finished", StringComparison.Ordinal)).ShouldBeGreaterThan(header);
        lines.ShouldContain(l => SummaryRow(l, "bad", "failed", 1, "3"));
        lines.ShouldContain(l => SummaryRow(l, "good", "succeeded", 1, "0"));
    }

    [Fact]
    public void Without_throw_on_failure_the_result_reports_the_failure()
    {
        var result = _context.RunParallel(
            [new ParallelLeg("bad", "/bin/sh", "-c", "exit 4")],
            new ParallelSettings().WithThrowOnFailure(false));

        result.Succeeded.ShouldBeFalse();
        result.Legs[0].ExitCode.ShouldBe(4);
        _context.Log.LinesAt(LogLevel.Error).ShouldContain(l => l.StartsWith("bad | ** FAILED in ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_timed_out_leg_is_terminated_and_reported()
    {
        var result = _context.RunParallel(
            [new ParallelLeg("slow", "/bin/sh", "-c", "echo waiting; exec sleep 30")],
            new ParallelSettings { Timeout = TimeSpan.FromMilliseconds(300), GracePeriod = TimeSpan.FromMilliseconds(200), ThrowOnFailure = false });

        result.Legs[0].Status.ShouldBe(LegStatus.TimedOut);
        result.Legs[0].Duration.ShouldBeLessThan(TimeSpan.FromSeconds(10));
        _context.Log.Lines.ShouldContain(l => SummaryRow(l, "slow", "timed out", 1, "143 (SIGTERM)"));
        _context.Log.Lines.ShouldContain("    waiting");
    }

    [Fact]
    public void Braces_in_leg_output_are_printed_verbatim()
    {
        _context.RunParallel([new ParallelLeg("json", "/bin/sh", "-c", "echo '{\"a\": {0}}'")]);

        _context.Log.Lines.ShouldContain("json | {\"a\": {0}}");
    }

    [Fact]
    public void Minimal_verbosity_hides_leg_output_and_starts_but_keeps_ends_and_the_summary()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Minimal);

        context.RunParallel([new ParallelLeg("leg", "/bin/sh", "-c", "echo noisy")]);

        context.Log.Lines.ShouldNotContain(l => l.Contains("noisy", StringComparison.Ordinal) || l.Contains("started", StringComparison.Ordinal));
        context.Log.Lines.ShouldContain(l => l.StartsWith("leg | ** succeeded in ", StringComparison.Ordinal));
        context.Log.Lines.ShouldContain(l => SummaryRow(l, "leg", "succeeded", 1, "0"));
    }

    [Fact]
    public void Quiet_verbosity_shows_nothing_but_a_failure_still_fails()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Quiet);

        Should.Throw<CakeException>(() => context.RunParallel([new ParallelLeg("leg", "/bin/sh", "-c", "echo noisy; exit 1")]));

        context.Log.Lines.ShouldBeEmpty();
    }

    [Fact]
    public void Verbose_verbosity_adds_each_legs_command_and_log_file()
    {
        var context = new TestCakeContext(_temp.Path, Verbosity.Verbose);

        context.RunParallel([new ParallelLeg("leg", "/bin/echo", "two words")], new ParallelSettings { LogDirectory = "logs" });

        context.Log.Lines.ShouldContain("leg | ** command: /bin/echo 'two words'");
        context.Log.Lines.ShouldContain($"leg | ** log: {_temp.Combine("logs", "leg.log")}");
    }

    [Fact]
    public void Invalid_input_is_rejected_before_anything_starts_naming_every_leg_and_field()
    {
        var marker = _temp.Combine("started");
        var exception = Should.Throw<InvalidRunException>(() => _context.RunParallel(
        [
            new ParallelLeg("dup", "/bin/sh", "-c", $"touch '{marker}'"),
            new ParallelLeg("dup", "/bin/sh", "-c", $"touch '{marker}'"),
            new ParallelLeg("missing", "no-such-program-cakeparallel"),
        ],
        new ParallelSettings { MaxParallel = 0 }));

        exception.Errors.Select(e => (e.Code, e.Leg, e.Field)).ShouldBe(
        [
            (ErrorCodes.MaxParallelTooSmall, null, "MaxParallel"),
            (ErrorCodes.DuplicateLegName, "dup", "Name"),
            (ErrorCodes.ExecutableNotFound, "missing", "Executable"),
        ], ignoreOrder: true);
        File.Exists(marker).ShouldBeFalse();
        _context.Log.Lines.ShouldBeEmpty();
    }

    [Fact]
    public void A_relative_working_directory_is_resolved_against_the_cake_working_directory()
    {
        Directory.CreateDirectory(_temp.Combine("sub"));

        var result = _context.RunParallel([new ParallelLeg("pwd", "/bin/sh", "-c", "pwd").SetWorkingDirectory("sub")]);

        result.Legs[0].OutputTail.ShouldBe([_temp.Combine("sub")]);
    }

    /// <summary>A row of the summary table: leg, status, attempts, a duration (e.g. <c>2.5 s</c>), exit.</summary>
    private static bool SummaryRow(string line, string leg, string status, int attempts, string exit) =>
        Regex.IsMatch(line, $@"^  {Regex.Escape(leg)}\s+{Regex.Escape(status)}\s+{attempts}\s+\S+ \S+\s+{Regex.Escape(exit)}(\s|$)");
}
