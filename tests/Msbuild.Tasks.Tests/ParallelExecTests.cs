using CakeParallel.Reports;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;
using Task = System.Threading.Tasks.Task;
using static CakeParallel.MSBuild.Tests.CommandItems;

namespace CakeParallel.MSBuild.Tests;

public sealed class ParallelExecTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Succeeding_legs_report_results_in_input_order_and_log_by_importance()
    {
        var task = NewTask(
            Shell("second", "echo from-second; sleep 0.2"),
            Leg("first", "/bin/echo", "from-first"));

        var (result, executeThread) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue();
        _engine.Errors.ShouldBeEmpty();
        task.Results.Select(r => r.ItemSpec).ShouldBe(["second", "first"]);
        foreach (var item in task.Results)
        {
            item.GetMetadata("Status").ShouldBe("Succeeded");
            item.GetMetadata("ExitCode").ShouldBe("0");
            item.GetMetadata("Attempts").ShouldBe("1");
            item.GetMetadata("Signal").ShouldBe("");
            item.GetMetadata("FailureReason").ShouldBe("");
            File.Exists(item.GetMetadata("LogFile")).ShouldBeTrue();
            long.Parse(item.GetMetadata("Duration")).ShouldBeGreaterThanOrEqualTo(0);
        }

        ImportanceOf("[second] started:").ShouldBe(MessageImportance.Normal);
        ImportanceOf("[second] from-second").ShouldBe(MessageImportance.Low);
        ImportanceOf("[first] from-first").ShouldBe(MessageImportance.Low);
        ImportanceOf("[second] succeeded in").ShouldBe(MessageImportance.Normal);
        ImportanceOf("ParallelExec: 2 legs in").ShouldBe(MessageImportance.High);
        _engine.Events.ShouldAllBe(e => e.ThreadId == executeThread && !e.AfterExecuteReturned);
        _engine.YieldCount.ShouldBe(1);
        _engine.ReacquireCount.ShouldBe(1);
        _engine.Events.ShouldContain(e => e.WhileYielded && e.Args.Message!.StartsWith("[second] from-second"));
    }

    [Fact]
    public void At_minimal_verbosity_no_leg_status_or_output_is_logged_and_the_summary_table_is_one_message()
    {
        _engine.LeastImportanceLogged = MessageImportance.High;
        var task = NewTask(Shell("second", "echo from-second"), Leg("first", "/bin/echo", "from-first"));

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue();
        _engine.Messages.ShouldAllBe(m => m.Importance == MessageImportance.High);
        _engine.Messages.ShouldNotContain(m => m.Message!.StartsWith("[", StringComparison.Ordinal));
        var table = _engine.Messages.Single(m => m.Message!.TrimStart().StartsWith("Leg ", StringComparison.Ordinal)).Message!.Split(Environment.NewLine);
        table.Length.ShouldBe(3);
        table[1].ShouldStartWith("  second ");
        table[2].ShouldStartWith("  first ");
    }

    [Fact]
    public void A_failing_leg_is_a_coded_error_naming_the_leg_with_its_last_output()
    {
        var task = NewTask(Shell("ok", "true"), Shell("broken", "echo compiling; echo 'fatal: disk full' >&2; exit 3"));

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0101");
        error.Message.ShouldStartWith("leg 'broken' failed: Exited with code 3");
        error.Message.ShouldContain("fatal: disk full");
        error.File.ShouldBe("/src/consumer.proj");
        error.LineNumber.ShouldBe(12);
        ImportanceOf("[broken] fatal: disk full", skipLow: true).ShouldBe(MessageImportance.High);
        var broken = task.Results[1];
        broken.GetMetadata("Status").ShouldBe("Failed");
        broken.GetMetadata("ExitCode").ShouldBe("3");
        task.Results[0].GetMetadata("Status").ShouldBe("Succeeded");
    }

    [Fact]
    public void A_retried_leg_logs_one_coded_warning_per_retry_and_succeeds()
    {
        var counter = _temp.Combine("attempts");
        var script = $"echo x >> '{counter}'; [ $(wc -l < '{counter}') -ge 3 ] || {{ echo 'registry: connection reset' >&2; exit 75; }}";
        var task = NewTask(Shell("flaky", script));
        task.MaxAttempts = 4;
        task.RetryDelay = 10;
        task.RetryOnExitCodes = [75];

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue();
        var warnings = _engine.Warnings.ToArray();
        warnings.Length.ShouldBe(2);
        warnings.ShouldAllBe(w => w.Code == "CPAR0105" && w.Message!.StartsWith("leg 'flaky' attempt "));
        warnings[0].Message!.ShouldContain("exit code 75 is in RetryOnExitCodes");
        task.Results[0].GetMetadata("Attempts").ShouldBe("3");
        task.Results[0].GetMetadata("Status").ShouldBe("Succeeded");
    }

    [Fact]
    public void A_leg_over_its_timeout_is_terminated_and_reported_as_timed_out()
    {
        var task = NewTask(Shell("slow", "echo waiting; sleep 30").With("Timeout", "300"), Shell("fast", "true"));
        task.GracePeriod = 1000;

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0102");
        error.Message.ShouldStartWith("leg 'slow' timed out");
        task.Results[0].GetMetadata("Status").ShouldBe("TimedOut");
        task.Results[0].GetMetadata("Signal").ShouldBe("SIGTERM");
        task.Results[1].GetMetadata("Status").ShouldBe("Succeeded");
    }

    [Fact]
    public void With_FailFast_the_first_failure_cancels_the_running_legs_and_skips_the_queued_ones()
    {
        var task = NewTask(Shell("fails", "sleep 0.3; exit 4"), Shell("long", "sleep 60"), Shell("queued", "true"));
        task.MaxParallel = 2;
        task.FailFast = true;
        task.GracePeriod = 1000;

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        task.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Failed", "Cancelled", "NotStarted"]);
        _engine.Errors.Select(e => e.Code).ShouldBe(["CPAR0101", "CPAR0103", "CPAR0104"], ignoreOrder: true);
        _engine.Errors.Single(e => e.Code == "CPAR0103").Message!.ShouldContain("leg 'fails' failed and FailFast is on");
    }

    [Fact]
    public void Invalid_input_is_reported_all_at_once_with_codes_naming_leg_and_field_and_nothing_starts()
    {
        var marker = _temp.Combine("started");
        var touch = $"touch '{marker}'";
        var task = NewTask(
            Shell("both", touch).With("Executable", "/bin/true"),
            new TaskItem("neither"),
            Shell("bad-timeout", touch).With("Timeout", "soon"),
            Shell("zero-attempts", touch).With("MaxAttempts", "0"),
            Shell("no-dir", touch).With("WorkingDirectory", _temp.Combine("missing")),
            Shell("bad-env", touch).With("EnvironmentVariables", "JUSTANAME"),
            Leg("no-program", "no-such-program-cpar"),
            Shell("twice", touch),
            Shell("twice", touch));
        task.MaxParallel = 0;

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        File.Exists(marker).ShouldBeFalse();
        _engine.YieldCount.ShouldBe(0);
        task.Results.ShouldBeEmpty();
        var errors = _engine.Errors.Select(e => $"{e.Code} {e.Message}").ToArray();
        errors.ShouldContain(e => e.StartsWith("CPAR0010 leg 'both' Command:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0005 leg 'neither' Command:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0010 leg 'bad-timeout' Timeout: 'soon'"));
        errors.ShouldContain(e => e.StartsWith("CPAR0007 leg 'zero-attempts' Retry.MaxAttempts:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0006 leg 'no-dir' WorkingDirectory:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0010 leg 'bad-env' EnvironmentVariables: 'JUSTANAME'"));
        errors.ShouldContain(e => e.StartsWith("CPAR0005 leg 'no-program' Executable:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0004 leg 'twice' Name:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0002 parameter MaxParallel:"));
        errors.Length.ShouldBe(9);
        ImportanceOf("ParallelExec: nothing was started because the input has 9 problems.").ShouldBe(MessageImportance.High);
    }

    [Fact]
    public void Arguments_are_a_semicolon_list_passed_as_argv_with_escaped_semicolons_kept()
    {
        var output = _temp.Combine("argv");

        // TaskItem metadata is given in escaped form, as MSBuild passes it: %3B is a literal ';'.
        var task = NewTask(Leg("argv", "/bin/sh").With("Arguments", $"-c;printf '<%25s>' \"$@\" > '{output}';sh;a%3Bb;two words; lead"));

        TaskRun.Execute(task, _engine).Result.ShouldBeTrue();

        File.ReadAllText(output).ShouldBe("<a;b><two words>< lead>");
    }

    [Fact]
    public void Environment_variables_come_from_the_task_and_the_leg_with_the_leg_winning()
    {
        var output = _temp.Combine("env");
        var task = NewTask(Shell("env", $"echo \"$SHARED|$OWN|$BOTH\" > '{output}'").With("EnvironmentVariables", "OWN=x%3By;BOTH=leg"));
        task.EnvironmentVariables = ["SHARED=s=1", "BOTH=task"];

        TaskRun.Execute(task, _engine).Result.ShouldBeTrue();

        File.ReadAllText(output).Trim().ShouldBe("s=1|x;y|leg");
    }

    [Fact]
    public void Relative_working_directories_and_log_directories_resolve_against_the_project_directory()
    {
        Directory.CreateDirectory(Path.Combine(Directory.GetCurrentDirectory(), "cpar-sub-" + Environment.ProcessId));
        try
        {
            var task = NewTask(Shell("where", "pwd").With("WorkingDirectory", "cpar-sub-" + Environment.ProcessId));
            task.LogDirectory = Path.GetRelativePath(Directory.GetCurrentDirectory(), _temp.Combine("logs"));

            TaskRun.Execute(task, _engine).Result.ShouldBeTrue();

            _engine.Messages.ShouldContain(m => m.Message == $"[where] {Directory.GetCurrentDirectory()}/cpar-sub-{Environment.ProcessId}");
            task.Results[0].GetMetadata("LogFile").ShouldBe(_temp.Combine("logs/where.log"));
        }
        finally
        {
            Directory.Delete(Path.Combine(Directory.GetCurrentDirectory(), "cpar-sub-" + Environment.ProcessId), true);
        }
    }

    [Fact]
    public void Result_metadata_keeps_semicolons_percent_and_dollar_literally()
    {
        var logs = _temp.Combine("logs;50%$HOME");
        var task = NewTask(Shell("a;b%c$d", "echo 'boom;50%$HOME' >&2; exit 1"));
        task.Commands[0].ItemSpec.ShouldBe("a;b%c$d");
        task.LogDirectory = logs;

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        var item = (ITaskItem2)task.Results[0];
        item.ItemSpec.ShouldBe("a;b%c$d");
        item.EvaluatedIncludeEscaped.ShouldBe("a%3bb%25c%24d");
        item.GetMetadata("FailureReason").ShouldContain("boom;50%$HOME");
        item.GetMetadataValueEscaped("FailureReason").ShouldContain("boom%3b50%25%24HOME");
        item.GetMetadata("LogFile").ShouldStartWith(logs + "/");
        File.Exists(item.GetMetadata("LogFile")).ShouldBeTrue();
    }

    [Fact]
    public async Task Cancel_from_another_thread_terminates_every_leg_and_Execute_logs_everything_before_returning()
    {
        var marker = "cpar-cancel-" + Guid.NewGuid().ToString("N");
        var task = NewTask(
            Shell("one", "sleep 300 & sleep 301; wait").With("EnvironmentVariables", "CPAR_MARKER=" + marker),
            Shell("two", "sleep 302").With("EnvironmentVariables", "CPAR_MARKER=" + marker),
            Shell("queued", "sleep 303").With("EnvironmentVariables", "CPAR_MARKER=" + marker));
        task.MaxParallel = 2;
        task.GracePeriod = 2000;
        task.ReportFile = _temp.Combine("cancelled.json");

        var run = TaskRun.Start(task, _engine);
        (await ProcessScan.WaitForAtLeastAsync(marker, 4, TimeSpan.FromSeconds(30))).Count.ShouldBeGreaterThanOrEqualTo(4, "legs one (sh and two sleeps) and two must both run");
        task.Cancel();
        var result = run.Wait(TimeSpan.FromSeconds(30));

        result.ShouldBeFalse();
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        _engine.Errors.Select(e => e.Code).ShouldBe(["CPAR0103", "CPAR0103", "CPAR0104"], ignoreOrder: true);
        task.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Cancelled", "Cancelled", "NotStarted"]);
        JsonRunReport.Read(task.ReportFile).WasCancelled.ShouldBeTrue("the report is written also when the build is cancelled");
        _engine.Events.ShouldAllBe(e => e.ThreadId == run.ThreadId && !e.AfterExecuteReturned);
        _engine.ReacquireCount.ShouldBe(1);
        task.Cancel();
    }

    [Fact]
    public void Malformed_admission_parameters_and_memory_metadata_are_coded_errors_and_nothing_starts()
    {
        var marker = _temp.Combine("ran");
        var leg = Shell("big", "touch " + marker);
        leg.SetMetadata("Memory", "lots");
        var task = NewTask(leg);
        task.SharedSlots = "builds";
        task.MinFreeMemory = "-1G";
        task.MaxLoad = "high";

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        _engine.Errors.Select(e => e.Code + " " + e.Message).Order().ShouldBe(
        [
            "CPAR0601 parameter SharedSlots: 'builds' is not name:N (a name of letters, digits, '.', '_' or '-', and a count of at least 1).",
            "CPAR0606 leg 'big' Memory: 'lots' is not an amount of memory (e.g. 2GiB, 512MiB, 1.5G).",
            "CPAR0606 parameter MaxLoad: 'high' is not a positive number.",
            "CPAR0606 parameter MinFreeMemory: '-1G' is not an amount of memory (e.g. 2GiB, 512MiB, 1.5G).",
        ]);
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact]
    public void A_leg_not_admitted_within_the_admission_timeout_is_a_not_started_error_with_the_reason()
    {
        var leg = Shell("big", "true");
        leg.SetMetadata("Memory", "1000TiB");
        var task = NewTask(leg);
        task.AdmissionTimeout = 300;

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeFalse();
        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0104");
        error.Message.ShouldStartWith("leg 'big' not started: Not started: Waited 300 ms for 1000 TiB of free memory; ");
        _engine.Messages.ShouldContain(m => m.Importance == MessageImportance.High && m.Message!.StartsWith("[big] waiting for 1000 TiB of free memory; ", StringComparison.Ordinal));
        task.Results.ShouldHaveSingleItem().GetMetadata("Status").ShouldBe("NotStarted");
    }

    private ParallelExec NewTask(params ITaskItem[] commands) => new()
    {
        BuildEngine = _engine,
        Commands = commands,
        LogDirectory = _temp.Combine("logs"),
    };

    private MessageImportance ImportanceOf(string prefix, bool skipLow = false) =>
        _engine.Messages.First(m => m.Message!.StartsWith(prefix, StringComparison.Ordinal) && !(skipLow && m.Importance == MessageImportance.Low)).Importance;
}
