using Cake.Parallel.Rendering;
using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;

namespace Cake.Parallel.Tests;

/// <summary>What the console shows of docker legs: steps compactly, banners folded, a failed attempt in full.</summary>
public sealed class DockerLegConsoleTests
{
    private static readonly string[] LegacyBanner =
    [
        "DEPRECATED: The legacy builder is deprecated and will be removed in a future release.",
        "            Install the buildx component to build images with BuildKit:",
        "            https://docs.docker.com/go/buildx/",
        "",
    ];

    private readonly ManualTime _time = new();
    private readonly RecordingCakeLog _log = new();

    [Fact]
    public void Steps_mode_shows_a_step_only_when_it_runs_long_and_a_failed_attempt_in_full_without_the_banner()
    {
        using var renderer = new CakeRunRenderer(_log, ParallelOutputMode.Steps, 1, new LegPalette(false), _time);
        renderer.LegQueued(Leg("node20"));
        renderer.LegQueued(Leg("node22-alpine"));
        renderer.AttemptStarted(Leg("node20"), 1, "node20.log");
        renderer.AttemptStarted(Leg("node22-alpine"), 1, "node22-alpine.log");
        foreach (var line in LegacyBanner.Concat(["Sending build context to Docker daemon  9.728kB", "Step 1/3 : FROM local/busybox:1", " ---> 8fe4b34697ca"]))
        {
            renderer.OutputLine(Leg("node20"), Line(line));
        }

        _time.Advance(TimeSpan.FromSeconds(3));
        renderer.ReportSlowSteps();
        renderer.OutputLine(Leg("node20"), Line("Step 2/3 : RUN make"));
        renderer.OutputLine(Leg("node22-alpine"), Line("#5 [2/3] RUN make"));
        _time.Advance(TimeSpan.FromSeconds(4));
        renderer.ReportSlowSteps();
        _time.Advance(TimeSpan.FromSeconds(2));
        renderer.ReportSlowSteps();
        renderer.ReportSlowSteps();
        renderer.OutputLine(Leg("node20"), Line("make: *** [all] Error 2"));
        renderer.LegCompleted(new LegResult { Name = "node20", Id = "a", Status = LegStatus.Failed, FailureReason = "Exited with code 2" });
        _time.Advance(TimeSpan.FromSeconds(30));
        renderer.ReportSlowSteps();

        // The completion line's wording belongs to the attempt texts; here only its place matters.
        _log.Lines.Select(l => l.StartsWith("node20        | ** FAILED", StringComparison.Ordinal) ? "node20        | ** FAILED ..." : l).ShouldBe(
        [
            "node20        | ** started",
            "node22-alpine | ** started",
            "node20        | ** step 2/3 RUN make (running 6s)",
            "node22-alpine | ** step 2/3 RUN make (running 6s)",
            "node20        | Sending build context to Docker daemon  9.728kB",
            "node20        | Step 1/3 : FROM local/busybox:1",
            "node20        |  ---> 8fe4b34697ca",
            "node20        | Step 2/3 : RUN make",
            "node20        | make: *** [all] Error 2",
            "node20        | ** FAILED ...",
            "node22-alpine | ** step 2/3 RUN make (running 36s)",
        ]);
    }

    [Fact]
    public void Live_mode_folds_the_legacy_builder_banner_and_keeps_the_next_line()
    {
        using var renderer = new CakeRunRenderer(_log, ParallelOutputMode.Live, 1, new LegPalette(false), _time);
        renderer.LegQueued(Leg("app"));
        renderer.AttemptStarted(Leg("app"), 1, "app.log");
        foreach (var line in LegacyBanner.Concat(["Sending build context to Docker daemon  2kB", "", "Step 1/1 : FROM scratch"]))
        {
            renderer.OutputLine(Leg("app"), Line(line));
        }

        _log.Lines.ShouldBe(
        [
            "app | ** started",
            "app | Sending build context to Docker daemon  2kB",
            "app | ",
            "app | Step 1/1 : FROM scratch",
        ]);
    }

    [Fact]
    public void The_progress_board_shows_which_step_a_docker_leg_is_at()
    {
        var board = new ProgressBoard(_time);
        board.LegQueued(Leg("app"));
        board.AttemptStarted(Leg("app"), 1, "app.log");
        board.OutputLine(Leg("app"), Line("Step 9/14 : RUN apt-get install -y curl"));
        board.OutputLine(Leg("app"), Line(" ---> Running in 1ca32296071e"));
        board.OutputLine(Leg("app"), Line(LegacyBanner[0]));

        board.Lines(width: 80, maxLines: 5)[1].ShouldBe("   app       0s  [9/14]  ---> Running in 1ca32296071e");
    }

    [Theory]
    [InlineData(null, null, false, true, true)]
    [InlineData(null, null, true, true, false)]
    [InlineData("1", null, false, true, false)]
    [InlineData("1", "1", false, true, false)]
    [InlineData(null, "1", true, false, true)]
    public void Leg_colours_appear_on_a_terminal_or_when_asked_and_never_with_NO_COLOR(string? noColor, string? forceColor, bool redirected, bool cakeAnsi, bool expected)
    {
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["FORCE_COLOR"] = forceColor };

        LegPalette.Colourful(name => environment.GetValueOrDefault(name), redirected, cakeAnsi).ShouldBe(expected);
    }

    [Fact]
    public void A_ci_system_that_renders_ansi_gets_leg_colours_in_its_redirected_log()
    {
        var environment = new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true" };

        LegPalette.Colourful(name => environment.GetValueOrDefault(name), outputRedirected: true, consoleSupportsAnsi: true).ShouldBeTrue();
    }

    private static LegSpec Leg(string name) => new(name, "/bin/true", []);

    private OutputLine Line(string text) => new(OutputStream.Stdout, text, _time.GetUtcNow());

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 11, 29, 3, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
