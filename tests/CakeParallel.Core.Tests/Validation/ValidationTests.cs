using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Validation;

public sealed class ValidationTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Every_problem_is_reported_together_naming_leg_and_field_and_nothing_starts()
    {
        var ran = _scratch.PathOf("ran");
        var legs = new List<LegSpec>
        {
            Scratch.Sh("good", $"touch {ran}"),
            Scratch.Sh("twin", "true"),
            Scratch.Sh("twin", "true"),
            new("missing-exe", "no-such-program-cpar"),
            new("missing-path", "./not-here.sh"),
            Scratch.Sh("bad-dir", "true") with { WorkingDirectory = "/no/such/dir" },
            Scratch.Sh("zero-timeout", "true") with { Timeout = TimeSpan.Zero },
            Scratch.Sh("bad-retry", "true") with { Retry = new RetryPolicy { MaxAttempts = 0, RetryOnOutput = ["(unclosed"] } },
            Scratch.Sh(" ", "true"),
        };
        var options = _scratch.Options() with { MaxParallel = 0, Timeout = TimeSpan.FromSeconds(-1), Deadline = TimeSpan.Zero };

        var error = await Should.ThrowAsync<InvalidRunException>(() => ParallelRunner.RunAsync(legs, options));

        error.Errors.Select(e => (e.Code, e.Leg, e.Field)).ShouldBe(
        [
            ("CPAR0002", null, "MaxParallel"),
            ("CPAR0003", null, "Timeout"),
            ("CPAR0003", null, "Deadline"),
            ("CPAR0004", "twin", "Name"),
            ("CPAR0005", "missing-exe", "Executable"),
            ("CPAR0005", "missing-path", "Executable"),
            ("CPAR0006", "bad-dir", "WorkingDirectory"),
            ("CPAR0003", "zero-timeout", "Timeout"),
            ("CPAR0007", "bad-retry", "Retry.MaxAttempts"),
            ("CPAR0008", "bad-retry", "Retry.RetryOnOutput[0]"),
            ("CPAR0009", " ", "Name"),
        ]);
        error.Message.ShouldContain("CPAR0005 leg 'missing-exe' Executable: 'no-such-program-cpar' was not found on PATH.");
        error.Message.ShouldContain("CPAR0006 leg 'bad-dir' WorkingDirectory: directory '/no/such/dir' does not exist.");
        error.Message.ShouldStartWith("The run's input has 11 problems; nothing was started:");
        File.Exists(ran).ShouldBeFalse();
    }

    [Fact]
    public async Task An_empty_leg_list_is_rejected()
    {
        var error = await Should.ThrowAsync<InvalidRunException>(() => ParallelRunner.RunAsync([], _scratch.Options()));

        error.Errors.Single().ShouldBe(new ValidationError("CPAR0001", null, "Legs", "the run has no legs; give at least one."));
    }

    [Fact]
    public void A_valid_run_has_no_errors_and_relative_executables_resolve_against_the_working_directory()
    {
        var work = _scratch.PathOf("w");
        Directory.CreateDirectory(work);
        File.WriteAllText(Path.Combine(work, "run.sh"), "#!/bin/sh\necho hi\n");
        File.SetUnixFileMode(Path.Combine(work, "run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        RunPlanner.Plan([new LegSpec("script", "./run.sh") { WorkingDirectory = work }, new LegSpec("on-path", "sh")], _scratch.Options())
            .Errors.ShouldBeEmpty();
    }

    [Fact]
    public void Legs_naming_one_program_find_it_on_their_own_path_and_in_their_own_working_directory()
    {
        // The planner looks each program up once per PATH and working directory: legs that differ in either must not
        // share a lookup.
        string Tool(string folder)
        {
            var directory = _scratch.PathOf(folder);
            Directory.CreateDirectory(directory);
            var path = Path.Combine(directory, "cpar-tool");
            File.WriteAllText(path, "#!/bin/sh\n");
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            return directory;
        }

        var first = Tool("a");
        var second = Tool("b");
        LegSpec OnPath(string name, string? directory) => new(name, "cpar-tool")
        {
            EnvironmentVariables = directory is null ? new Dictionary<string, string?>() : new Dictionary<string, string?> { ["PATH"] = directory + ":/usr/bin:/bin" },
        };

        var plan = RunPlanner.Plan(
            [OnPath("a1", first), OnPath("b1", second), OnPath("a2", first), new LegSpec("here-a", "./cpar-tool") { WorkingDirectory = first }, new LegSpec("here-b", "./cpar-tool") { WorkingDirectory = second }],
            _scratch.Options()).GetPlanOrThrow();
        plan.LegPlans.Select(p => p.ResolvedExecutable).ShouldBe([
            Path.Combine(first, "cpar-tool"), Path.Combine(second, "cpar-tool"), Path.Combine(first, "cpar-tool"), Path.Combine(first, "cpar-tool"), Path.Combine(second, "cpar-tool")]);

        var missing = RunPlanner.Plan([OnPath("found", first), OnPath("not-on-its-path", null)], _scratch.Options());
        missing.Errors.Single().ShouldBe(new ValidationError("CPAR0005", "not-on-its-path", "Executable", "'cpar-tool' was not found on PATH."));
    }

    [Fact]
    public void Leg_ids_are_stable_and_do_not_depend_on_position_or_parameter_order()
    {
        var a = new LegSpec("x", "true") { Parameters = new Dictionary<string, string> { ["node"] = "20", ["os"] = "alpine" } };
        var b = new LegSpec("renamed", "true") { Parameters = new Dictionary<string, string> { ["os"] = "alpine", ["node"] = "20" } };
        var c = new LegSpec("x", "true") { Parameters = new Dictionary<string, string> { ["node"] = "22", ["os"] = "alpine" } };

        a.Id.ShouldBe(b.Id);
        a.Id.ShouldNotBe(c.Id);
        a.Id.Length.ShouldBe(12);
        new LegSpec("plain", "true").Id.ShouldBe(LegId.FromName("plain"));
    }
}
