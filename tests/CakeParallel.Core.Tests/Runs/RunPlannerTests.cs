using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Services;
using CakeParallel.Tests.Docker;

namespace CakeParallel.Tests.Runs;

/// <summary>The planner alone: it starts nothing, so these need no process to run.</summary>
public sealed class RunPlannerTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_plan_holds_the_legs_in_order_with_resolved_executables_their_own_log_files_and_the_resolved_options()
    {
        var logs = _scratch.PathOf("logs");
        var options = _scratch.Options() with { LogDirectory = logs };

        var planning = RunPlanner.Plan([new LegSpec("b/x", "sh"), new LegSpec("b:x", "true"), new LegSpec("a", "sh")], options, new RunOverrides { MaxParallel = 1 });

        planning.Errors.ShouldBeEmpty();
        var plan = planning.Plan.ShouldNotBeNull();
        plan.Legs.Select(l => l.Name).ShouldBe(["b/x", "b:x", "a"]);
        plan.LegPlans.Select(p => p.ResolvedExecutable).ShouldAllBe(path => Path.IsPathRooted(path) && File.Exists(path));
        plan.LegPlans.Select(p => p.LogFile).Distinct().Count().ShouldBe(3, "names that differ only in characters a file name cannot hold get their id appended");
        plan.LegPlans.ShouldAllBe(p => Path.GetDirectoryName(p.LogFile) == logs);
        Directory.Exists(logs).ShouldBeTrue("the planner creates the log folder");
        plan.Options.MaxParallel.ShouldBe(1);
        plan.LogDirectory.ShouldBe(logs);
    }

    [Fact]
    public void Every_problem_of_legs_options_environment_services_and_reports_comes_back_at_once()
    {
        var options = _scratch.Options() with
        {
            LogDirectory = _scratch.PathOf("never-created"),
            Reports = ReportOptions.None with { ResumeFrom = _scratch.PathOf("no-such-report.json") },
            Services = [new ServiceSpec("", "no-such-program-cpar")],
        };
        var environment = new Dictionary<string, string?> { ["CAKEPARALLEL_TIMEOUT"] = "soon" };

        var planning = RunPlanner.Plan([new LegSpec("a", "no-such-program-cpar"), new LegSpec("a", "true")], options, new RunOverrides { MaxParallel = 0 }, environment);

        planning.Plan.ShouldBeNull();
        var codes = planning.Errors.Select(e => e.Code).ToArray();
        codes.ShouldContain(ErrorCodes.EnvironmentVariableInvalid);
        codes.ShouldContain(ErrorCodes.MaxParallelTooSmall);
        codes.ShouldContain(ErrorCodes.ExecutableNotFound);
        codes.ShouldContain(ErrorCodes.DuplicateLegName);
        planning.Errors.Count.ShouldBe(planning.Errors.Distinct().Count(), "each problem is reported once");
        Directory.Exists(options.LogDirectory).ShouldBeFalse("nothing is created for a run that cannot start");
        Should.Throw<InvalidRunException>(() => planning.GetPlanOrThrow()).Errors.ShouldBe(planning.Errors);
    }

    [Fact]
    public void Without_an_environment_the_planner_reads_no_variable()
    {
        var planning = RunPlanner.Plan([new LegSpec("a", "true")], _scratch.Options() with { MaxParallel = 3 });

        planning.Plan.ShouldNotBeNull().Options.MaxParallel.ShouldBe(3);
    }

    [Fact]
    public async Task A_docker_matrix_is_planned_once_each_problem_reported_once_and_the_resolved_retry_reaches_every_leg()
    {
        var context = _scratch.PathOf("ctx");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\n");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("os", ["a", "b"])] },
            Build = new DockerBuildSettings { Context = context, DockerExecutable = "no-such-docker-cpar", LegName = "same" },
            BaseDirectory = _scratch.Directory,
            Retries = 4,
        };

        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options(), new RunOverrides { Timeout = TimeSpan.Zero });

        planning.Plan.ShouldBeNull();
        planning.Errors.Count(e => e.Code == ErrorCodes.DuplicateLegName).ShouldBe(1, "the docker planner names the legs; the run checks do not repeat it");
        planning.Errors.Count(e => e.Code == ErrorCodes.ExecutableNotFound).ShouldBe(2);
        planning.Errors.Count(e => e.Code == ErrorCodes.DurationNotPositive).ShouldBe(1);
        planning.Errors.ShouldNotContain(e => e.Code == ErrorCodes.NoLegs);
        planning.Errors.ShouldNotContain(e => e.Code == ErrorCodes.DockerDaemonNotReachable, "a missing client is not asked for its daemon");
    }

    [DockerFact]
    public async Task A_docker_matrix_file_layer_gives_way_to_the_caller_and_the_environment_and_every_leg_gets_the_resolved_retry()
    {
        var context = _scratch.PathOf("ctx");
        Directory.CreateDirectory(context);
        File.WriteAllText(Path.Combine(context, "Dockerfile"), "FROM scratch\n");
        var matrix = new DockerMatrix
        {
            Matrix = new MatrixDefinition { Axes = [new MatrixAxis("os", ["a", "b"])] },
            Build = new DockerBuildSettings { Context = context },
            BaseDirectory = _scratch.Directory,
            MaxParallel = 2,
            Retries = 4,
            FailFast = true,
        };
        var environment = new Dictionary<string, string?> { ["CAKEPARALLEL_RETRIES"] = "1", ["CAKEPARALLEL_MAX_PARALLEL"] = "" };

        var planning = await RunPlanner.PlanAsync(matrix, _scratch.Options(), new RunOverrides { FailFast = false }, environment);

        planning.Errors.ShouldBeEmpty();
        var plan = planning.Plan.ShouldNotBeNull();
        (plan.Options.MaxParallel, plan.Options.FailFast).ShouldBe((2, false), "the file's maxParallel, the caller's failFast");
        plan.Options.Retry.ShouldBe(DockerRetryPolicy.Default with { MaxAttempts = 2 }, "CAKEPARALLEL_RETRIES over the file's retries, on the docker policy");
        plan.Legs.ShouldAllBe(l => l.Retry == plan.Options.Retry);
    }
}
