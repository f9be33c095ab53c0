using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Supervision;

/// <summary>The environment processes inherit: read once for a run, afresh outside one.</summary>
public sealed class InheritedEnvironmentTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly string _variable = "CPAR_TEST_ENV_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_variable, null);
        _scratch.Dispose();
    }

    [Fact]
    public async Task The_legs_of_a_run_see_the_environment_as_it_was_when_the_run_started_and_a_later_process_sees_it_changed()
    {
        Environment.SetEnvironmentVariable(_variable, "at start");
        var legs = new[] { Scratch.Sh("first", $"echo \"${_variable}\""), Scratch.Sh("second", $"echo \"${_variable}\"") };

        // Changed by the script (here: a listener) while the run goes on, after the first leg ended, before the second starts.
        var run = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 1) with { Listener = new ChangeAfterFirst(_variable) });

        run.Legs.Select(l => l.OutputTail.Single()).ShouldBe(["at start", "at start"]);
        using var later = SupervisedProcess.Start(new ProcessCommand("/bin/sh", ["-c", $"echo \"${_variable}\""]));
        (await later.Exited).Tail.ShouldBe(["changed"]);
        var next = await ParallelRunner.RunAsync([Scratch.Sh("next", $"echo \"${_variable}\"")], _scratch.Options());
        next.Legs.Single().OutputTail.ShouldBe(["changed"]);
    }

    [Fact]
    public async Task A_leg_s_own_value_replaces_the_inherited_one_and_a_removed_variable_is_gone()
    {
        var removed = _variable + "_REMOVED";
        Environment.SetEnvironmentVariable(_variable, "inherited");
        Environment.SetEnvironmentVariable(removed, "inherited");
        try
        {
            var script = $"env | grep -c '^{_variable}='; echo \"${_variable}|${{{removed}:-unset}}|$CPAR_TEST_ADDED\"; env | grep -c '^CAKEPARALLEL_PROCESS='";
            var leg = Scratch.Sh("changed", script) with
            {
                EnvironmentVariables = new Dictionary<string, string?> { [_variable] = "own", [removed] = null, ["CPAR_TEST_ADDED"] = "added" },
            };

            var run = await ParallelRunner.RunAsync([leg, Scratch.Sh("untouched", script)], _scratch.Options());

            run.Legs.Single(l => l.Name == "changed").OutputTail.ShouldBe(["1", "own|unset|added", "1"]);
            run.Legs.Single(l => l.Name == "untouched").OutputTail.ShouldBe(["1", "inherited|inherited|", "1"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(removed, null);
        }
    }

    private sealed class ChangeAfterFirst(string variable) : IRunListener
    {
        public void LegCompleted(LegResult result)
        {
            if (result.Name == "first")
            {
                Environment.SetEnvironmentVariable(variable, "changed");
            }
        }
    }
}
