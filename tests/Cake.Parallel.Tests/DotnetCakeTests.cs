using System.Diagnostics;
using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary>The addin as users get it: packed into a local feed, loaded with <c>#addin</c> by the real <c>dotnet cake</c>.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DotnetCakeTests(AddinFeed feed) : IDisposable
{
    private readonly string _marker = "cpmark-" + Guid.NewGuid().ToString("N");
    private readonly TempDirectory _state = new("cakeparallel-state");

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Mixed_legs_report_every_outcome_and_leave_no_process_behind()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/mixed-legs.cake"));

        using var cake = script.Run($"--marker={_marker}", $"--state={_state.Path}", "--throw=false");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("RESULT ok=Succeeded,broken=Failed,flaky=Succeeded,hangs=TimedOut");
        cake.Output.ShouldContain("flaky  | ** attempt 1 of 3 failed (exit 1); retrying in ");
        cake.Output.ShouldContain("flaky  | ** succeeded after 2 attempts in ");
        cake.Output.ShouldContain("=== broken: failed, exit 3 - ");
        cake.Output.ShouldContain("    error CS1002: ; expected");
        cake.Output.ShouldContain("=== hangs: timed out, exit 143 (SIGTERM) - ");
        cake.Output.ShouldContain("    waiting forever");
        cake.Stdout.ShouldMatch(@"Parallel run finished in [^:]+: 2 succeeded, 1 failed, 1 timed out");
        cake.Stdout.ShouldMatch(@"\n  ok +succeeded +1 +\S+ \S+ +0\n");
        cake.Stdout.ShouldMatch(@"\n  broken +failed +1 +\S+ \S+ +3\n");
        cake.Stdout.ShouldMatch(@"\n  flaky +succeeded +2 +\S+ \S+ +0\n");
        cake.Stdout.ShouldMatch(@"\n  hangs +timed out +1 +\S+ \S+ +143 \(SIGTERM\)\n");
        ProcessScan.LiveWithMarker(_marker).ShouldBeEmpty(ProcessScan.Describe(ProcessScan.LiveWithMarker(_marker)));
    }

    [Fact]
    public void A_run_of_more_legs_than_the_event_queue_holds_renders_every_leg_and_returns()
    {
        // The run sends one event per leg as it starts, on the script's thread, before the alias drains its events:
        // more of them than the queue holds (4096) once hung the script there.
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            Task("Default").Does(() =>
            {
                var legs = Enumerable.Range(1, 4200).Select(i => new ParallelLeg("leg-" + i, "true")).ToArray();
                var result = RunParallel(legs, new ParallelSettings { MaxParallel = 8, LogDirectory = "logs" });
                Information("RESULT {0} succeeded", result.Legs.Count(l => l.Status.ToString() == "Succeeded"));
            });
            RunTarget("Default");
            """);

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("RESULT 4200 succeeded");
        cake.Stdout.ShouldContain("leg-4200 | ** succeeded in ");
    }

    [Fact]
    public void An_unreachable_daemon_named_by_DOCKER_HOST_is_reported_as_coming_from_that_variable_with_dockers_message()
    {
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            Task("Default").Does(() => DockerBuildMatrix(new DockerMatrixSettings().WithAxis("n", "1").SetContext(".")));
            RunTarget("Default");
            """);
        File.WriteAllText(Path.Combine(script.Directory, "Dockerfile"), "FROM scratch\n");
        var socket = Path.Combine(script.Directory, "nothing-serves-this.sock");

        using var cake = script.RunWith(new Dictionary<string, string?> { ["DOCKER_HOST"] = "unix://" + socket });

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain(
            $"CPAR0210 leg '1' DOCKER_HOST: Docker daemon not reachable at unix://{socket} (from the DOCKER_HOST environment variable of this build): docker said: ");
        cake.Output.ShouldContain("Cannot connect to the Docker daemon");
        cake.Output.ShouldNotContain("build.dockerHost");
    }

    [Fact]
    public void Throw_on_failure_fails_the_task_with_a_message_naming_the_failed_legs()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/mixed-legs.cake"));

        using var cake = script.Run($"--marker={_marker}", $"--state={_state.Path}", "--throw=true");

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Stdout.ShouldNotContain("RESULT ");
        cake.Output.ShouldMatch(@"Error: 2 of 4 parallel legs did not succeed: 'broken' failed: [^\n]*; 'hangs' timed out");
        cake.Stdout.ShouldContain("Parallel run finished in ");
        ProcessScan.LiveWithMarker(_marker).ShouldBeEmpty(ProcessScan.Describe(ProcessScan.LiveWithMarker(_marker)));
    }

    [Fact]
    public void Ctrl_c_terminates_every_leg_prints_the_summary_and_fails()
    {
        using var script = new CakeScript(feed, CakeScript.FromFile("Scripts/long-legs.cake"));
        using var cake = script.Start($"--marker={_marker}");
        cake.WaitForOutput(o => o.Contains("long-1 running", StringComparison.Ordinal) && o.Contains("long-2 ignores SIGTERM", StringComparison.Ordinal), TimeSpan.FromMinutes(3));
        ProcessScan.LiveWithMarker(_marker).Count.ShouldBeGreaterThanOrEqualTo(4, "two shells and their sleeps run before the signal");

        var clock = Stopwatch.StartNew();
        ProcessScan.SignalGroup(cake.Id, "INT");
        var exitCode = cake.WaitForExit(TimeSpan.FromMinutes(1));

        exitCode.ShouldNotBe(0, cake.Output);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30), "SIGTERM, a 1 s grace period, then SIGKILL");
        cake.Stdout.ShouldNotContain("not reached");
        cake.Output.ShouldContain("=== long-2: cancelled, exit 137 (SIGKILL)");
        cake.Stdout.ShouldMatch(@"Parallel run \(cancelled\) finished in [^:]+: 2 cancelled, 1 not started");
        cake.Stdout.ShouldMatch(@"\n  long-1 +cancelled +1 ");
        cake.Stdout.ShouldMatch(@"\n  queued +not started +0 ");
        cake.Output.ShouldContain("Error: The parallel run was cancelled by SIGINT; 2 cancelled, 1 not started.");
        ProcessScan.LiveWithMarker(_marker).ShouldBeEmpty(ProcessScan.Describe(ProcessScan.LiveWithMarker(_marker)));
    }

    [Fact]
    public void The_addin_and_its_dependencies_load_from_the_local_feed()
    {
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            var result = RunParallel(new[] { new ParallelLeg("hello", "/bin/echo", "hello from a leg") });
            Information("LOADED {0} {1}", typeof(ParallelLeg).Assembly.GetName().Name, result.Legs[0].Status);
            """);

        using var cake = script.Run();

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("LOADED Cake.Parallel Succeeded");
        cake.Stdout.ShouldContain("hello | hello from a leg");
        var addins = Directory.GetDirectories(Path.Combine(script.Directory, "tools", "Addins")).Select(Path.GetFileName).ToArray();
        addins.ShouldContain($"Cake.Parallel.{feed.Version}");
        addins.ShouldContain($"CakeParallel.Core.{feed.Version}");
        addins.ShouldContain(a => a!.StartsWith("Polly.Core.", StringComparison.Ordinal));
    }

    [Fact]
    public void On_a_terminal_each_leg_name_gets_its_own_colour_and_redirected_output_has_none()
    {
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            RunParallel(new[] { new ParallelLeg("first", "/bin/echo", "one"), new ParallelLeg("second", "/bin/echo", "two") });
            """);

        using var terminal = script.RunOnTerminal();
        using var redirected = script.Run();

        terminal.ExitCode.ShouldBe(0, terminal.Output);
        terminal.Stdout.ShouldContain("\u001b[36mfirst\u001b[39m  | one");
        terminal.Stdout.ShouldContain("\u001b[35msecond\u001b[39m | two");
        redirected.ExitCode.ShouldBe(0, redirected.Output);
        redirected.Stdout.ShouldContain("first  | one");
        redirected.Stdout.ShouldNotContain("\u001b[");
    }

    [Fact]
    public void An_interactive_terminal_gets_a_live_progress_display_and_ci_or_redirected_output_plain_lines()
    {
        // Status lines only: the leg's output can reach the screen only through the progress display.
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            RunParallel(
                new[] { new ParallelLeg("seed", "/bin/sh", "-c", "echo loading-fixtures; sleep 3; echo seeded") },
                new ParallelSettings { OutputMode = ParallelOutputMode.StatusOnly });
            """);

        using var terminal = script.RunOnTerminal();
        using var onGitHub = script.RunOnTerminal(new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_ACTION"] = "__run" });
        using var redirected = script.Run();

        terminal.ExitCode.ShouldBe(0, terminal.Output);
        terminal.Stdout.ShouldMatch(@"-- 1 running, 0 done, 0 waiting, \ds --\u001b\[K\n", terminal.Stdout);
        terminal.Stdout.ShouldMatch(@"   seed +\ds  loading-fixtures\u001b\[K\n");
        var summary = terminal.Stdout.IndexOf("Parallel run finished", StringComparison.Ordinal);
        terminal.Stdout.LastIndexOf("\u001b[J", StringComparison.Ordinal).ShouldBeInRange(terminal.Stdout.LastIndexOf("loading-fixtures", StringComparison.Ordinal), summary, "the display is erased before the summary");
        foreach (var plain in new[] { onGitHub, redirected })
        {
            plain.ExitCode.ShouldBe(0, plain.Output);
            plain.Stdout.ShouldContain("Parallel run finished");
            plain.Stdout.ShouldNotContain("loading-fixtures");
            plain.Stdout.ShouldNotContain(" running, ");
        }
    }

    [Fact]
    public void Invalid_legs_fail_the_task_naming_each_leg_and_field_before_anything_starts()
    {
        var started = Path.Combine(_state.Path, "started");
        using var script = new CakeScript(feed, $$"""
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            RunParallel(new[]
            {
                new ParallelLeg("dup", "/bin/sh", "-c", "touch '{{started}}'"),
                new ParallelLeg("dup", "/bin/sh", "-c", "touch '{{started}}'"),
                new ParallelLeg("elsewhere", "/bin/true").SetWorkingDirectory("no-such-folder"),
            });
            """);

        using var cake = script.Run();

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("The run's input has 2 problems; nothing was started:");
        cake.Output.ShouldContain("CPAR0004 leg 'dup' Name: another leg is also named 'dup'");
        cake.Output.ShouldContain($"CPAR0006 leg 'elsewhere' WorkingDirectory: directory '{Path.Combine(script.Directory, "no-such-folder")}' does not exist.");
        File.Exists(started).ShouldBeFalse();
    }
}
