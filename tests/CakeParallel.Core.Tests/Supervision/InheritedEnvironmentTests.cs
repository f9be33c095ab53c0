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
