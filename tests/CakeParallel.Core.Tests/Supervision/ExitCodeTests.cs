using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Supervision;

public sealed class ExitCodeTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Reports_exit_codes_signals_and_output_per_leg()
    {
        var result = await ParallelRunner.RunAsync(
        [
            Scratch.Sh("ok", "echo hello; echo oops >&2"),
            Scratch.Sh("three", "echo about to fail >&2; exit 3"),
            Scratch.Sh("killed", "kill -KILL $$"),
            Scratch.Sh("segv", "kill -SEGV $$"),
        ], _scratch.Options());

        result.Legs.Select(l => l.Name).ShouldBe(["ok", "three", "killed", "segv"]);
        var ok = result.Legs[0];
        ok.Status.ShouldBe(LegStatus.Succeeded);
        ok.ExitCode.ShouldBe(0);
        ok.OutputTail.ShouldBe(["hello", "oops"], ignoreOrder: true);
        ok.FailureReason.ShouldBeNull();
        var log = await File.ReadAllTextAsync(ok.LogFile!);
        log.ShouldContain(" out hello");
        log.ShouldContain(" err oops");

        var three = result.Legs[1];
        three.Status.ShouldBe(LegStatus.Failed);
        three.ExitCode.ShouldBe(3);
        three.Signal.ShouldBeNull();
        three.FailureReason.ShouldBe("Exited with code 3: about to fail");

        result.Legs[2].Status.ShouldBe(LegStatus.Failed);
        result.Legs[2].ExitCode.ShouldBe(137);
        result.Legs[2].Signal.ShouldBe("SIGKILL");
        result.Legs[2].ExitDisplay.ShouldBe("137 (SIGKILL)");
        result.Legs[3].Signal.ShouldBe("SIGSEGV");
        result.Succeeded.ShouldBeFalse();
        result.Count(LegStatus.Failed).ShouldBe(3);
        result.CountsDisplay.ShouldBe("1 succeeded, 3 failed");
    }
}
