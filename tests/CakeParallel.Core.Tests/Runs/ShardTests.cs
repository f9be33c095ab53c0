using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Runs;

/// <summary>
/// Shards run a deterministic subset of the legs: together every leg exactly once, whatever the legs' order; by
/// count without a plan, by the plan's lists with one; started longest expected first with history.
/// </summary>
public sealed class ShardTests : IDisposable
{
    private readonly TempDirectory _temp = new("cakeparallel-shards");

    public void Dispose() => _temp.Dispose();

    /// <summary>Legs that each append their name to one file, so the test sees what ran and in which order.</summary>
    private LegSpec[] Legs(int count, string? sleepFor = null) =>
        [.. Enumerable.Range(1, count).Select(i => LegSpec.Shell($"leg-{i:00}", $"{(sleepFor is null ? "" : $"sleep {sleepFor}; ")}echo leg-{i:00} >> '{_temp.Combine("ran.txt")}'"))];

    private string[] Ran() => File.Exists(_temp.Combine("ran.txt")) ? File.ReadAllLines(_temp.Combine("ran.txt")) : [];

    [Fact]
    public async Task Shards_together_run_every_leg_exactly_once_whatever_the_order_of_the_legs()
    {
        var legs = Legs(11);
        var reversed = legs.Reverse().ToArray();
        var shardsOfForward = new List<string[]>();
        for (var index = 1; index <= 4; index++)
        {
            // Odd shards see the legs in one order, even shards in the other: as two machines might list them.
            var run = await ParallelRunner.RunAsync(
                RunPlanner.Plan(index % 2 == 0 ? reversed : legs, new RunOptions { MaxParallel = 2, Shard = new Shard(index, 4) }).GetPlanOrThrow());
            run.Succeeded.ShouldBeTrue();
            run.Shard.ShouldBe(new Shard(index, 4));
            run.Legs.ShouldAllBe(l => l.Shard == new Shard(index, 4));
            run.Matrix!.Legs.Count.ShouldBe(11, "every shard records the whole matrix");
            run.Legs.Count.ShouldBeInRange(2, 3, "by count: 11 legs in 4 shards are 3, 3, 3 and 2");
            shardsOfForward.Add([.. run.Legs.Select(l => l.Name)]);
        }

        Ran().Order().ShouldBe(legs.Select(l => l.Name).Order(), "every leg ran exactly once");
        shardsOfForward.SelectMany(s => s).Distinct().Count().ShouldBe(11);
    }

    [Fact]
    public async Task A_shard_without_legs_reports_an_empty_run_that_still_records_the_matrix()
    {
        var report = _temp.Combine("empty.json");
        var run = await ParallelRunner.RunAsync(RunPlanner.Plan(Legs(2), new RunOptions { Shard = new Shard(3, 3), Reports = new ReportOptions { ReportFile = report } }).GetPlanOrThrow());
        run.Legs.ShouldBeEmpty();
        run.Succeeded.ShouldBeTrue();
        JsonRunReport.Read(report).Matrix!.Legs.Select(l => l.Shard!.Index).Order().ShouldBe([1, 2]);
        Ran().ShouldBeEmpty();
    }

    [Fact]
    public void The_shard_comes_from_CAKEPARALLEL_SHARD_under_the_caller_and_over_the_matrix_file()
    {
        var errors = new List<ValidationError>();
        var environment = RunPrecedence.FromEnvironment(new Dictionary<string, string?> { [RunPrecedence.ShardVariable] = "2/3" }, errors);
        errors.ShouldBeEmpty();
        RunPrecedence.Resolve(new RunOptions(), RunOverrides.None, environment, new RunOverrides { Shard = new Shard(1, 3) }).Shard.ShouldBe(new Shard(2, 3));
        RunPrecedence.Resolve(new RunOptions(), new RunOverrides { Shard = new Shard(3, 3) }, environment, RunOverrides.None).Shard.ShouldBe(new Shard(3, 3));

        RunPrecedence.FromEnvironment(new Dictionary<string, string?> { [RunPrecedence.ShardVariable] = "5/4" }, errors);
        errors.Single().Code.ShouldBe(ErrorCodes.EnvironmentVariableInvalid);
        errors.Single().Field.ShouldBe(RunPrecedence.ShardVariable);

        var planned = RunPlanner.Plan(Legs(3), new RunOptions(), environment: new Dictionary<string, string?> { [RunPrecedence.ShardVariable] = "0/2" });
        planned.Errors.Single().Code.ShouldBe(ErrorCodes.EnvironmentVariableInvalid);
    }

    [Fact]
    public void A_shard_with_history_starts_its_legs_longest_expected_first_and_legs_without_history_before_them()
    {
        var history = WriteHistory(("leg-01", 1), ("leg-02", 5), ("leg-03", 3));
        var plan = RunPlanner.Plan(Legs(4), new RunOptions { HistoryFrom = [history] }).GetPlanOrThrow();
        plan.LegsInStartOrder.Select(l => l.Name).ShouldBe(["leg-04", "leg-02", "leg-03", "leg-01"]);
        plan.Legs.Select(l => l.Name).ShouldBe(["leg-01", "leg-02", "leg-03", "leg-04"], "reports keep the given order");
    }

    [Fact]
    public async Task Legs_start_in_plan_order_and_the_report_records_expected_and_actual_durations()
    {
        var history = WriteHistory(("leg-01", 0.1), ("leg-02", 0.3), ("leg-03", 0.2));
        var report = _temp.Combine("report.json");
        var run = await ParallelRunner.RunAsync(
            RunPlanner.Plan(Legs(3), new RunOptions { MaxParallel = 1, HistoryFrom = [history], Reports = new ReportOptions { ReportFile = report } }).GetPlanOrThrow());

        Ran().ShouldBe(["leg-02", "leg-03", "leg-01"], "one slot: the longest expected leg starts first");
        var read = JsonRunReport.Read(report);
        read.Legs.Select(l => l.ExpectedDuration).ShouldBe([TimeSpan.FromSeconds(0.1), TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.2)]);
        read.Legs.ShouldAllBe(l => l.Duration > TimeSpan.Zero);
        File.ReadAllText(report).ShouldContain("\"expectedDurationSeconds\": 0.3");
        run.Legs.Select(l => l.Name).ShouldBe(["leg-01", "leg-02", "leg-03"]);
    }

    [Fact]
    public void An_unreadable_history_report_is_a_coded_error()
    {
        var planned = RunPlanner.Plan(Legs(2), new RunOptions { HistoryFrom = [_temp.Combine("missing.json")] });
        planned.Plan.ShouldBeNull();
        planned.Errors.Single().Code.ShouldBe(ErrorCodes.HistoryReportUnusable);
    }

    [Fact]
    public async Task A_shard_job_with_a_plan_runs_the_legs_the_plan_lists_for_it_whatever_history_it_sees()
    {
        var legs = Legs(6);
        var history = DurationHistory.Of([HistoryRun(("leg-01", 8), ("leg-02", 1), ("leg-03", 1), ("leg-04", 1), ("leg-05", 1), ("leg-06", 4))]);
        var shardPlan = ShardPlan.Create(legs, new ShardCountRequest(2), history);
        shardPlan.BalancedBy.ShouldBe("expectedDuration");
        shardPlan.Shards.Select(s => s.ExpectedDuration).ShouldBe([TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(8)], "LPT: 8 | 4+1+1+1+1");
        var planFile = _temp.Combine("plan.json");
        var output = _temp.Combine("github-output");
        shardPlan.Write(planFile, new Dictionary<string, string?> { ["GITHUB_OUTPUT"] = output });
        File.ReadAllText(output).ShouldStartWith("shards=[{\"shard\":\"1/2\",\"legs\":[\"leg-01\"]},{\"shard\":\"2/2\",\"legs\":[\"leg-02\",\"leg-03\",\"leg-04\",\"leg-05\",\"leg-06\"]}]\n");

        // Shard 2 sees no history at all, yet runs exactly the plan's legs for it.
        var second = await ParallelRunner.RunAsync(RunPlanner.Plan(legs, new RunOptions { Shard = new Shard(2, 2), ShardPlan = planFile }).GetPlanOrThrow());
        second.Legs.Select(l => l.Name).ShouldBe(["leg-02", "leg-03", "leg-04", "leg-05", "leg-06"]);
        second.Matrix!.Legs.Single(l => l.Name == "leg-01").Shard.ShouldBe(new Shard(1, 2));

        var otherMatrix = RunPlanner.Plan(Legs(5), new RunOptions { Shard = new Shard(1, 2), ShardPlan = planFile });
        otherMatrix.Errors.Single().Code.ShouldBe(ErrorCodes.ShardPlanUnusable);
        otherMatrix.Errors.Single().Message.ShouldContain("another matrix");
        var otherCount = RunPlanner.Plan(legs, new RunOptions { Shard = new Shard(1, 3), ShardPlan = planFile });
        otherCount.Errors.Single().Code.ShouldBe(ErrorCodes.ShardPlanUnusable);
    }

    [Fact]
    public void Auto_picks_the_smallest_count_whose_longest_shard_is_under_the_target_capped_at_the_job_limit()
    {
        var legs = Legs(10);
        var history = DurationHistory.Of([HistoryRun([.. Enumerable.Range(1, 10).Select(i => ($"leg-{i:00}", 3.0))])]);
        ShardPlan.Create(legs, new ShardCountRequest(null) { Target = TimeSpan.FromSeconds(10) }, history).Shards.Count.ShouldBe(4, "3 legs of 3 s fit in 10 s: ceil(10/3) = 4");
        ShardPlan.Create(legs, new ShardCountRequest(null) { Target = TimeSpan.FromSeconds(1), JobLimit = 5 }, history).Shards.Count.ShouldBe(5);
        ShardPlan.Create(legs, new ShardCountRequest(null) { Target = TimeSpan.FromSeconds(1) }, history).Shards.Count.ShouldBe(10, "never more shards than legs");
        ShardPlan.Create(legs, new ShardCountRequest(3), DurationHistory.None).Shards.Select(s => s.Legs.Count).ShouldBe([4, 3, 3], "without history: by count");
        ShardCountRequest.TryParse("auto", out var auto).ShouldBeTrue();
        auto!.Count.ShouldBeNull();
        ShardCountRequest.TryParse("0", out _).ShouldBeFalse();
    }

    [Fact]
    public void Longest_processing_time_balances_a_long_tail_better_than_count()
    {
        var random = new Random(14);
        var legs = Enumerable.Range(0, 200).Select(i => ($"id-{i:000}", (TimeSpan?)TimeSpan.FromSeconds(Math.Exp(random.NextDouble() * 5)))).ToArray();
        var byDuration = ShardAssignment.LongestShard(legs, ShardAssignment.ByExpectedDuration(legs, 8));
        var byCount = ShardAssignment.LongestShard(legs, ShardAssignment.ByCount(legs.Select(l => l.Item1), 8));
        var total = legs.Sum(l => l.Item2!.Value.TotalSeconds);
        byDuration.TotalSeconds.ShouldBeLessThan(byCount.TotalSeconds);
        byDuration.TotalSeconds.ShouldBeLessThan(total / 8 * 1.05, "LPT is within 5 % of the perfect split here");
    }

    /// <summary>Legs in groups joined by needs: a chain of three, a pair, and four legs that need nothing.</summary>
    private LegSpec[] LegsWithNeeds()
    {
        var legs = Legs(9);
        legs[1] = legs[1] with { Needs = ["leg-01"] };
        legs[2] = legs[2] with { Needs = ["leg-02"] };
        legs[4] = legs[4] with { Needs = ["leg-04"] };
        return legs;
    }

    [Fact]
    public async Task Legs_joined_by_needs_run_in_one_shard_so_every_shard_can_run_its_dependents()
    {
        var legs = LegsWithNeeds();
        var shardOf = new Dictionary<string, int>();
        for (var index = 1; index <= 3; index++)
        {
            var run = await ParallelRunner.RunAsync(RunPlanner.Plan(legs, new RunOptions { MaxParallel = 2, Shard = new Shard(index, 3) }).GetPlanOrThrow());
            run.Succeeded.ShouldBeTrue(string.Join("; ", run.Legs.Select(l => $"{l.Name}: {l.FailureReason}")));
            foreach (var leg in run.Legs)
            {
                shardOf[leg.Name] = index;
            }
        }

        Ran().Order().ShouldBe(legs.Select(l => l.Name).Order(), "every leg ran exactly once");
        shardOf["leg-02"].ShouldBe(shardOf["leg-01"]);
        shardOf["leg-03"].ShouldBe(shardOf["leg-01"]);
        shardOf["leg-05"].ShouldBe(shardOf["leg-04"]);
        shardOf.Values.GroupBy(v => v).Select(g => g.Count()).Order().ToArray().ShouldBe([3, 3, 3], "the chain of 3, the pair with one single, and three singles");
    }

    [Fact]
    public void A_shard_plan_keeps_legs_joined_by_needs_together_by_count_and_by_history()
    {
        var legs = LegsWithNeeds();
        var byCount = ShardPlan.Create(legs, new ShardCountRequest(4), DurationHistory.None);
        var history = DurationHistory.Of([HistoryRun([.. Enumerable.Range(1, 9).Select(i => ($"leg-{i:00}", (double)i))])]);
        var byDuration = ShardPlan.Create(legs, new ShardCountRequest(3), history);
        foreach (var plan in new[] { byCount, byDuration })
        {
            int ShardOf(string name) => plan.Shards.Single(s => s.Legs.Any(l => l.Name == name)).Shard.Index;
            ShardOf("leg-02").ShouldBe(ShardOf("leg-01"));
            ShardOf("leg-03").ShouldBe(ShardOf("leg-01"));
            ShardOf("leg-05").ShouldBe(ShardOf("leg-04"));
        }

        ShardPlan.Create(legs, new ShardCountRequest(null) { Target = TimeSpan.FromMilliseconds(1) }, history).Shards.Count.ShouldBe(6, "auto: at most one shard per group of legs");
    }

    [Fact]
    public void A_shard_plan_that_splits_legs_joined_by_needs_is_a_coded_error_naming_them()
    {
        // A plan made before leg-02 needed leg-01 deals them to different shards.
        var planFile = _temp.Combine("old-plan.json");
        ShardPlan.Create(Legs(2), new ShardCountRequest(2), DurationHistory.None).Write(planFile, new Dictionary<string, string?>());
        var legs = Legs(2);
        legs[1] = legs[1] with { Needs = ["leg-01"] };

        var planned = RunPlanner.Plan(legs, new RunOptions { Shard = new Shard(1, 2), ShardPlan = planFile });

        var error = planned.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.ShardSplitsNeeds);
        error.Leg.ShouldBe("leg-02");
        error.Message.ShouldContain("'leg-01', which it needs");
    }

    private string WriteHistory(params (string Name, double Seconds)[] legs)
    {
        var path = _temp.Combine($"history-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, JsonRunReport.Render(HistoryRun(legs)));
        return path;
    }

    private static RunResult HistoryRun(params (string Name, double Seconds)[] legs) => new()
    {
        StartedAt = DateTimeOffset.UtcNow.AddHours(-1),
        Duration = TimeSpan.FromSeconds(legs.Sum(l => l.Seconds)),
        Legs = [.. legs.Select(l => new LegResult
        {
            Name = l.Name,
            Id = LegSpec.Shell(l.Name, "true").Id,
            Status = LegStatus.Succeeded,
            Duration = TimeSpan.FromSeconds(l.Seconds),
            Attempts = [new AttemptRecord(1, DateTimeOffset.UtcNow.AddHours(-1), TimeSpan.FromSeconds(l.Seconds), 0, null, AttemptOutcome.Succeeded, new RetryDecision(false, "succeeded", null), null)],
        })],
    };
}
