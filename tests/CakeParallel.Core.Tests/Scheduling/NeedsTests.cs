using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

/// <summary>
/// Legs that need other legs, with real processes: each leg appends "name-start" and "name-end" to one file, so the
/// order of its lines proves the order of the legs without comparing durations; legs that must overlap wait for
/// each other's lines (with a limit, so a wrong schedule fails instead of hanging).
/// </summary>
public sealed class NeedsTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private string Events => _scratch.PathOf("events.txt");

    private string[] Lines() => File.Exists(Events) ? File.ReadAllLines(Events) : [];

    /// <summary>A leg that writes its start, runs <paramref name="body"/>, then writes its end.</summary>
    private LegSpec Leg(string name, string body = "true", params string[] needs) =>
        Scratch.Sh(name, $"echo {name}-start >> '{Events}'; {body}; echo {name}-end >> '{Events}'") with { Needs = needs };

    /// <summary>Shell code that waits until <paramref name="line"/> was written (20 s at most, then exit 9).</summary>
    private string WaitFor(string line) =>
        $"i=0; until grep -qx '{line}' '{Events}' 2>/dev/null; do i=$((i+1)); [ $i -gt 400 ] && exit 9; sleep 0.05; done";

    private int At(string line)
    {
        var index = Array.IndexOf(Lines(), line);
        index.ShouldBeGreaterThanOrEqualTo(0, $"'{line}' was written; the events were: {string.Join(", ", Lines())}");
        return index;
    }

    [Fact]
    public async Task A_diamond_runs_each_leg_after_its_needs_while_unrelated_legs_use_the_slots_the_waiting_legs_do_not_hold()
    {
        // Start order: base, left, right, left-child, top, free. With two slots, free can only run beside base if the
        // four waiting legs hold no slot; base ends only once free started. right ends only once left-child started,
        // which needs left but not right: legs start as soon as their own needs are done, not level by level.
        LegSpec[] legs =
        [
            Leg("base", WaitFor("free-start")),
            Leg("left", "true", "base"),
            Leg("right", WaitFor("left-child-start"), "base"),
            Leg("left-child", "true", "left"),
            Leg("top", "true", "left", "right"),
            Leg("free"),
        ];
        var report = _scratch.PathOf("report.json");

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 2) with { Reports = new ReportOptions { ReportFile = report, HtmlFile = _scratch.PathOf("report.html") } });

        result.Legs.Select(l => l.Status).ShouldAllBe(s => s == LegStatus.Succeeded, string.Join("; ", result.Legs.Select(l => $"{l.Name}: {l.FailureReason}")));
        At("free-start").ShouldBeLessThan(At("base-end"), "the unrelated leg ran while four legs waited for base");
        At("base-end").ShouldBeLessThan(At("left-start"));
        At("base-end").ShouldBeLessThan(At("right-start"));
        At("left-end").ShouldBeLessThan(At("left-child-start"));
        At("left-child-start").ShouldBeLessThan(At("right-end"), "left-child did not wait for right, which it does not need");
        At("left-end").ShouldBeLessThan(At("top-start"));
        At("right-end").ShouldBeLessThan(At("top-start"));

        var top = result.Legs.Single(l => l.Name == "top");
        top.Needs.ShouldBe([legs[1].Id, legs[2].Id]);
        top.NeedsWait.ShouldNotBeNull().ShouldBeGreaterThan(result.Legs.Single(l => l.Name == "left").NeedsWait!.Value);
        result.Legs.Single(l => l.Name == "free").Needs.ShouldBeEmpty();
        result.Legs.Single(l => l.Name == "free").NeedsWait.ShouldBeNull();

        var json = JsonRunReport.Read(report).Legs.Single(l => l.Name == "top");
        json.Needs.ShouldBe(top.Needs);
        json.NeedsWait.ShouldNotBeNull();
        (await File.ReadAllTextAsync(report)).ShouldContain("\"needsWaitSeconds\"");
        var html = await File.ReadAllTextAsync(_scratch.PathOf("report.html"));
        html.ShouldContain("class=\"needs-wait\"");
        html.ShouldContain("top: waited ");
        html.ShouldContain("for the legs it needs (left, right)");
    }

    [Fact]
    public async Task A_failed_need_leaves_its_dependents_not_started_transitively_and_every_report_says_why()
    {
        LegSpec[] legs =
        [
            Leg("base-alpine", "exit 3"),
            Leg("app-alpine", "true", "base-alpine"),
            Leg("test-alpine", "true", "app-alpine"),
            Leg("base-debian"),
            Leg("app-debian", "true", "base-debian"),
        ];
        var junit = _scratch.PathOf("junit.xml");

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 2) with { Reports = new ReportOptions { JUnitFile = junit } });

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Failed, LegStatus.NotStarted, LegStatus.NotStarted, LegStatus.Succeeded, LegStatus.Succeeded]);
        result.Legs[1].FailureReason.ShouldBe("Not started: needs base-alpine, which failed");
        result.Legs[2].FailureReason.ShouldBe("Not started: needs app-alpine, which was not started");
        result.Legs[1].Attempts.ShouldBeEmpty();
        Lines().ShouldNotContain("app-alpine-start");
        Lines().ShouldNotContain("test-alpine-start");

        LegText.Completion(result.Legs[1]).ShouldBe("not started: Not started: needs base-alpine, which failed");
        RunSummary.Row(result.Legs[2]).NotStartedReason.ShouldBe("needs app-alpine, which was not started");
        MarkdownSummary.Render(result).ShouldContain("| not started: needs base-alpine, which failed |");
        (await File.ReadAllTextAsync(junit)).ShouldContain("message=\"Not started: needs app-alpine, which was not started\"");
    }

    [Fact]
    public async Task A_need_that_timed_out_or_was_cancelled_is_named_with_how_it_ended()
    {
        LegSpec[] legs =
        [
            Leg("slow", "sleep 30") with { Timeout = TimeSpan.FromMilliseconds(300) },
            Leg("broken", "exit 1"),
            Leg("after-both", "true", "slow", "broken"),
        ];

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options());

        result.Legs[0].Status.ShouldBe(LegStatus.TimedOut);
        result.Legs[2].Status.ShouldBe(LegStatus.NotStarted);
        // It ends as soon as one need did not succeed: broken fails long before slow times out, or both are named.
        result.Legs[2].FailureReason.ShouldStartWith("Not started: needs ");
        result.Legs[2].FailureReason!.ShouldContain("broken, which failed");
    }

    [Fact]
    public async Task Fail_fast_stops_the_legs_that_wait_for_needs_as_it_stops_every_leg_not_started()
    {
        var marker = ProcessScan.NewMarker();
        LegSpec[] legs =
        [
            Leg("base", "sleep 0.3; exit 2"),
            Leg("app", "true", "base"),
            Leg("slow", "sleep 30") with { EnvironmentVariables = ProcessScan.Env(marker) },
        ];

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options() with { FailFast = true });

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Failed, LegStatus.NotStarted, LegStatus.Cancelled]);
        result.Legs[1].FailureReason.ShouldBe("Not started: cancelled because leg 'base' failed and FailFast is on");
        Lines().ShouldNotContain("app-start");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_need_reused_from_an_earlier_run_counts_as_a_success_for_its_dependents()
    {
        var report = _scratch.PathOf("first.json");
        LegSpec[] first = [Leg("base"), Leg("app", "exit 1", "base")];
        (await ParallelRunner.RunAsync(first, _scratch.Options() with { Reports = new ReportOptions { ReportFile = report } })).Legs[1].Status.ShouldBe(LegStatus.Failed);
        File.Delete(Events);

        LegSpec[] second = [Leg("base"), Leg("app", "true", "base")];
        var result = await ParallelRunner.RunAsync(second, _scratch.Options() with { Reports = new ReportOptions { ResumeFrom = report } });

        result.Legs.Select(l => l.Status).ShouldBe([LegStatus.Reused, LegStatus.Succeeded]);
        Lines().ShouldBe(["app-start", "app-end"]);
    }

    [Fact]
    public async Task A_leg_runs_as_its_needs_results_bind_it_with_the_results_in_the_order_of_its_needs()
    {
        IReadOnlyList<LegResult>? seen = null;
        LegSpec[] legs =
        [
            Leg("one"),
            Leg("two"),
            Leg("bound", "true", "two", "one") with
            {
                BindNeeds = results =>
                {
                    seen = results;
                    return Leg("bound", $"echo bound-to-{results[0].Name}-{results[1].Name} >> '{Events}'", "two", "one");
                },
            },
        ];

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options());

        result.Succeeded.ShouldBeTrue();
        seen.ShouldNotBeNull().Select(r => r.Name).ShouldBe(["two", "one"]);
        Lines().ShouldContain("bound-to-two-one");
    }

    [Fact]
    public async Task Unknown_needs_a_leg_needing_itself_and_cycles_are_all_reported_before_anything_starts()
    {
        LegSpec[] legs =
        [
            Leg("a", "true", "b"),
            Leg("b", "true", "c"),
            Leg("c", "true", "a"),
            Leg("lonely", "true", "nobody"),
            Leg("narcissus", "true", "narcissus"),
            Leg("free"),
        ];

        var exception = await Should.ThrowAsync<InvalidRunException>(() => ParallelRunner.RunAsync(legs, _scratch.Options()));

        exception.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "CPAR0014 leg 'lonely' Needs: needs 'nobody', but no leg of the run has that id or name.",
            "CPAR0015 leg 'narcissus' Needs: needs itself ('narcissus'); a leg cannot wait for its own end.",
            "CPAR0016 leg 'a' Needs: the legs need each other in a cycle: a -> b -> c -> a; none of them could ever start.",
        ]);
        Lines().ShouldBeEmpty("no leg was started");
    }

    [Fact]
    public async Task A_need_is_found_by_stable_id_before_name()
    {
        var target = Leg("x") with { Parameters = new Dictionary<string, string> { ["os"] = "alpine" } };
        var byName = Leg(target.Id);
        var dependent = Leg("dependent", "true", target.Id);

        var plan = RunPlanner.Plan([target, byName, dependent], _scratch.Options()).GetPlanOrThrow();

        plan.Legs.Count.ShouldBe(3);
        var result = await ParallelRunner.RunAsync(plan);
        result.Legs[2].Needs.ShouldBe([target.Id]);
    }
}
