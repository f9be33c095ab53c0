using System.Collections.Concurrent;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Supervision;

/// <summary>The one supervised process on its own, with a real /bin/sh child.</summary>
public sealed class SupervisedProcessTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task An_exit_code_is_reported_with_its_text_and_the_last_stderr_line()
    {
        using var process = SupervisedProcess.Start(Sh("echo out; echo boom >&2; echo later; exit 3"));

        var exit = await process.Exited;

        exit.ExitCode.ShouldBe(3);
        exit.Signal.ShouldBeNull();
        exit.ExitText.ShouldBe("exited with code 3");
        exit.LastWords.ShouldBe(": boom");
        exit.Tail.ShouldBe(["out", "boom", "later"], ignoreOrder: true);
        exit.Termination.ShouldBeNull();
        exit.Leftovers.LastSignal.ShouldBeNull();
        exit.OutputAbandoned.ShouldBeFalse();
    }

    [Fact]
    public async Task A_process_killed_by_a_signal_reports_the_signal_name()
    {
        using var process = SupervisedProcess.Start(Sh("kill -KILL $$"));

        var exit = await process.Exited;

        exit.ExitCode.ShouldBe(137);
        exit.Signal.ShouldBe("SIGKILL");
        exit.ExitText.ShouldBe("was killed by SIGKILL (exit code 137)");
    }

    [Fact]
    public async Task A_group_that_ignores_SIGTERM_is_killed_by_the_next_step_of_the_sequence()
    {
        var marker = ProcessScan.NewMarker();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = Sh("trap '' TERM; sleep 1000 & echo ready; while true; do sleep 0.1; done") with
        {
            Environment = ProcessScan.Env(marker),
            Termination = TerminationSequence.Parse("TERM,300,KILL,2000"),
        };
        using var process = SupervisedProcess.Start(command, (_, line) =>
        {
            if (line.SequenceEqual("ready"))
            {
                ready.TrySetResult();
            }
        });
        await ready.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var report = await process.TerminateAsync();
        var exit = await process.Exited;

        report.LastSignal.ShouldBe("SIGKILL");
        report.GroupGone.ShouldBeTrue();
        report.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300));
        exit.Signal.ShouldBe("SIGKILL");
        exit.Termination.ShouldBe(report);
        (await process.TerminateAsync()).ShouldBe(report, "a second request gets the first one's report");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task Cancelling_the_wait_terminates_the_group_with_the_first_signal_that_suffices()
    {
        using var process = SupervisedProcess.Start(Sh("echo started; exec sleep 1000"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var exit = await process.WaitAsync(cancel.Token);

        exit.Signal.ShouldBe("SIGTERM");
        exit.Termination.ShouldNotBeNull().LastSignal.ShouldBe("SIGTERM");
    }

    [Fact]
    public async Task What_the_main_process_left_in_its_group_is_terminated_when_it_exits()
    {
        var marker = ProcessScan.NewMarker();
        using var process = SupervisedProcess.Start(Sh("sleep 1000 & echo left") with { Environment = ProcessScan.Env(marker) });

        var exit = await process.Exited.WaitAsync(TimeSpan.FromSeconds(60));

        exit.ExitCode.ShouldBe(0);
        exit.Leftovers.LastSignal.ShouldBe("SIGTERM");
        exit.Leftovers.GroupGone.ShouldBeTrue();
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_process_that_escaped_the_group_is_ended_with_it_and_its_output_read_to_the_end()
    {
        var marker = ProcessScan.NewMarker();
        try
        {
            // The escapee writes its file only after setsid(2), so the main process exits once it has really left the group.
            var escaped = _scratch.PathOf("escaped");
            var command = Sh($"setsid sh -c 'touch {escaped}; exec sleep 1000' & while [ ! -e {escaped} ]; do sleep 0.01; done; echo escaped") with
            {
                Environment = ProcessScan.Env(marker),
                DrainTimeout = TimeSpan.FromSeconds(20),
            };
            using var process = SupervisedProcess.Start(command);

            var exit = await process.Exited.WaitAsync(TimeSpan.FromSeconds(15));

            exit.ExitCode.ShouldBe(0);
            exit.OutputAbandoned.ShouldBeFalse();
            exit.Escaped.ShouldNotBeNull().Count.ShouldBe(1);
            // Named by its command when found: "sh" until its exec of sleep, "sleep" after.
            exit.Escaped.Text.ShouldMatch(@"^escaped processes terminated: 1 \((sh|sleep)\); ended by SIGTERM");
            exit.Tail.ShouldBe(["escaped"]);
            ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task A_process_that_escapes_as_its_parent_exits_is_ended_even_when_caught_in_its_exec()
    {
        // The parent exits at once, so the search often meets the escapee in the middle of its exec, when its
        // environment cannot be read yet; two busy processes widen that window as a loaded CI machine does. Before
        // the search waited for such a process, about one round in fifteen left its sleep running.
        var marker = ProcessScan.NewMarker();
        var load = Enumerable.Range(0, 2).Select(_ => System.Diagnostics.Process.Start("/bin/sh", ["-c", "while :; do :; done"])).ToList();
        try
        {
            for (var round = 0; round < 40; round++)
            {
                using var process = SupervisedProcess.Start(Sh("setsid env env env env env env env env sleep 1000 & exit 0") with { Environment = ProcessScan.Env(marker) });

                var exit = await process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

                exit.ExitCode.ShouldBe(0);
                // Ended by the group's termination when it had not left the group yet, by the search when it had.
                (exit.Escaped is not null || exit.Leftovers.LastSignal is not null).ShouldBeTrue($"round {round}: nothing was ended");
                await Task.Delay(50);
                ProcessScan.LiveWithMarker(marker).ShouldBeEmpty($"round {round}");
            }
        }
        finally
        {
            foreach (var busy in load)
            {
                busy.Kill();
                busy.Dispose();
            }

            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task A_process_outside_the_tree_that_holds_the_pipe_is_given_up_on_after_the_drain_timeout()
    {
        var marker = ProcessScan.NewMarker();
        try
        {
            // Without the supervision markers (env -u) the escapee cannot be told from a stranger: only the drain
            // timeout bounds the wait for the pipe it holds.
            var escaped = _scratch.PathOf("escaped");
            var command = Sh($"setsid env -u CAKEPARALLEL_PROCESS -u CAKEPARALLEL_RUNNER sh -c 'touch {escaped}; exec sleep 1000' & while [ ! -e {escaped} ]; do sleep 0.01; done; echo escaped") with
            {
                Environment = ProcessScan.Env(marker),
                DrainTimeout = TimeSpan.FromMilliseconds(300),
            };
            using var process = SupervisedProcess.Start(command);

            var exit = await process.Exited.WaitAsync(TimeSpan.FromSeconds(30));

            exit.ExitCode.ShouldBe(0);
            exit.OutputAbandoned.ShouldBeTrue();
            exit.Escaped.ShouldBeNull();
            exit.Tail.ShouldBe(["escaped"]);
        }
        finally
        {
            ProcessScan.KillAll(marker);
        }
    }

    [Fact]
    public async Task Lines_are_bounded_by_the_line_limit()
    {
        var lines = new ConcurrentQueue<string>();
        var command = Sh("head -c 1000 /dev/zero | tr '\\0' x; echo; echo after") with { MaxLineBytes = 100 };
        using var process = SupervisedProcess.Start(command, (_, line) => lines.Enqueue(new string(line)));

        await process.Exited;

        lines.ShouldAllBe(l => l.Length <= 100);
        string.Concat(lines.Take(lines.Count - 1)).ShouldBe(new string('x', 1000));
        lines.Last().ShouldBe("after");
    }

    [Fact]
    public async Task Secret_values_are_masked_before_anyone_sees_a_line()
    {
        var lines = new ConcurrentQueue<string>();
        var command = Sh("echo pw=hunter2; echo hunter2 >&2; exit 1") with { SecretValues = ["hunter2"] };
        using var process = SupervisedProcess.Start(command, (_, line) => lines.Enqueue(new string(line)));

        var exit = await process.Exited;

        lines.ShouldBe(["pw=***", "***"], ignoreOrder: true);
        exit.Tail.ShouldBe(["pw=***", "***"], ignoreOrder: true);
        exit.LastWords.ShouldBe(": ***");
        command.DisplayText.ShouldNotContain("hunter2");
    }

    [Fact]
    public void A_missing_executable_is_a_start_failure_that_names_it()
    {
        var exception = Should.Throw<ProcessStartException>(() => SupervisedProcess.Start(new ProcessCommand("no-such-program-cpar", [])));

        exception.Message.ShouldBe("could not start 'no-such-program-cpar': it was not found on PATH");
    }

    [Fact]
    public void A_working_directory_that_does_not_exist_is_a_start_failure()
    {
        var command = Sh("true") with { WorkingDirectory = _scratch.PathOf("missing") };

        var exception = Should.Throw<ProcessStartException>(() => SupervisedProcess.Start(command));

        exception.Message.ShouldStartWith("could not start '/bin/sh': ");
    }

    private static ProcessCommand Sh(string script) => new("/bin/sh", ["-c", script]);
}
