using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Scheduling;

/// <summary>Machine-wide admission with real processes: shared slot pools across processes, memory and load.</summary>
public sealed class MachineAdmissionTests : IDisposable
{
    private readonly Scratch _scratch = new();

    private readonly SharedSlotPool _slots = new();

    public void Dispose()
    {
        _scratch.Dispose();
        _slots.Dispose();
    }

    [Fact]
    public async Task Two_processes_sharing_a_pool_of_two_never_run_more_than_two_legs_at_once_and_do_reach_two()
    {
        var stamps = _scratch.PathOf("stamps");
        Directory.CreateDirectory(stamps);
        var command = $"echo $(date +%s%N) > {stamps}/$$.start; sleep 0.4; echo $(date +%s%N) > {stamps}/$$.end";
        var runs = new[] { "a", "b" }.Select(n => TestHost.RunAsync(["shared", _slots.Name + ":2", "3", _scratch.PathOf("logs-" + n), command])).ToArray();

        var outputs = await Task.WhenAll(runs);

        foreach (var output in outputs)
        {
            output.ShouldContain("shared-3 Succeeded", customMessage: output);
        }

        PeakConcurrency(stamps, expectedLegs: 6).ShouldBe(2);
    }

    [Fact]
    public async Task Runs_in_one_process_share_the_pool_too_and_each_still_respects_its_own_MaxParallel()
    {
        var stamps = _scratch.PathOf("stamps");
        Directory.CreateDirectory(stamps);
        List<LegSpec> Legs(string run) => Enumerable.Range(1, 3)
            .Select(i => Scratch.Sh($"{run}-{i}", $"echo $(date +%s%N) > {stamps}/{run}-{i}.start; sleep 0.3; echo $(date +%s%N) > {stamps}/{run}-{i}.end"))
            .ToList();
        var options = _scratch.Options(maxParallel: 1) with { SharedSlots = new SharedSlots(_slots.Name, 3) };

        var results = await Task.WhenAll(ParallelRunner.RunAsync(Legs("x"), options), ParallelRunner.RunAsync(Legs("y"), options));

        results.ShouldAllBe(r => r.Succeeded);
        PeakConcurrency(stamps, expectedLegs: 6).ShouldBe(2);
    }

    [Fact]
    public async Task A_holder_killed_with_sigkill_frees_its_slot_for_a_waiting_run_within_a_second_and_the_waiter_names_it()
    {
        using var holder = TestHost.Start("shared", _slots.Name + ":1", "1", _scratch.PathOf("holder-logs"), "sleep 1000");
        try
        {
            (await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("started shared-1");
            var events = new AdmissionEvents();
            var options = _scratch.Options() with { SharedSlots = new SharedSlots(_slots.Name, 1), Listener = events };
            var waiting = ParallelRunner.RunAsync([Scratch.Sh("waiter", "true")], options);
            var notice = await events.Notices.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            notice.Code.ShouldBe(ErrorCodes.WaitingForSharedSlot);
            notice.Message.ShouldContain($"pid {holder.Id} (");
            notice.Message.ShouldContain("CakeParallel.Core.TestHost.dll shared");
            events.Started.ShouldBeNull();

            var killedAt = events.Now;
            holder.Kill();
            await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(30)));
            waiting.IsCompleted.ShouldBeTrue(DescribeSlotHolders());
            var result = await waiting;

            result.Succeeded.ShouldBeTrue(result.Legs[0].FailureReason);
            (events.Started!.Value - killedAt).ShouldBeLessThan(TimeSpan.FromSeconds(1));
            result.Legs[0].Attempts[0].AdmissionWait.ShouldBeGreaterThan(TimeSpan.Zero);
            File.ReadAllText(result.Legs[0].LogFile!).ShouldContain($"waiting for a machine-wide slot: all 1 slot(s) of the shared pool '{_slots.Name}' are held: pid {holder.Id}");
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task The_slot_of_a_holder_killed_with_sigkill_stays_taken_while_its_leg_still_runs()
    {
        // The leg outlives its runner by 1.5 s: on SIGTERM from the keeper it finishes its work before it exits.
        using var holder = TestHost.Start("shared", _slots.Name + ":1", "1", _scratch.PathOf("holder-logs"), "trap 'sleep 1.5; exit 0' TERM; while :; do sleep 0.1; done");
        try
        {
            (await holder.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60))).ShouldBe("started shared-1");
            var events = new AdmissionEvents();
            var waiting = ParallelRunner.RunAsync([Scratch.Sh("waiter", "true")], _scratch.Options() with { SharedSlots = new SharedSlots(_slots.Name, 1), Listener = events });
            (await events.Notices.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30))).Code.ShouldBe(ErrorCodes.WaitingForSharedSlot);
            holder.HasExited.ShouldBeFalse();
            var before = DescribeSlotHolders();

            var killedAt = events.Now;
            holder.Kill();
            var result = await waiting.WaitAsync(TimeSpan.FromSeconds(30));

            result.Succeeded.ShouldBeTrue(result.Legs[0].FailureReason);
            (events.Started!.Value - killedAt).ShouldBeGreaterThan(TimeSpan.FromSeconds(1.2), $"the dead holder's leg still ran; before the kill:\n{before}\nthe holder's leg log:\n{string.Join("\n", Directory.GetFiles(_scratch.PathOf("holder-logs"), "*.log", SearchOption.AllDirectories).Select(File.ReadAllText))}");
        }
        finally
        {
            if (!holder.HasExited)
            {
                holder.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task A_leg_needing_more_free_memory_than_the_machine_has_ends_not_started_after_the_admission_timeout_with_the_reason()
    {
        var options = _scratch.Options() with { MinFreeMemory = MemTotal() * 4, AdmissionTimeout = TimeSpan.FromSeconds(1) };
        var clock = Stopwatch.StartNew();

        var result = await ParallelRunner.RunAsync([Scratch.Sh("big", "touch " + _scratch.PathOf("ran"))], options);

        clock.Elapsed.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds(1));
        var leg = result.Legs[0];
        leg.Status.ShouldBe(LegStatus.NotStarted);
        leg.FailureReason.ShouldNotBeNull().ShouldMatch(@"^Not started: Waited 1(\.\d)? s for \d+(\.\d)? GiB of free memory; \d+(\.\d)? [KMG]iB was available");
        File.Exists(_scratch.PathOf("ran")).ShouldBeFalse();
    }

    [Fact]
    public async Task A_memory_reservation_that_fits_only_once_makes_the_second_leg_wait_for_the_first()
    {
        // 60% of what is available now: the first fits, the second only once the first has given its reservation back.
        var memory = MemAvailable() * 6 / 10;
        var events = new AdmissionEvents();
        var legs = new[] { "first", "second" }.Select(n => Scratch.Sh(n, "sleep 0.5") with { Memory = memory }).ToList();

        var reports = new ReportOptions { ReportFile = _scratch.PathOf("report.json"), HtmlFile = _scratch.PathOf("timeline.html") };

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 2) with { Listener = events, Reports = reports });

        result.Succeeded.ShouldBeTrue();
        var first = result.Legs.Single(l => l.Attempts[0].AdmissionWait == TimeSpan.Zero);
        var second = result.Legs.Single(l => l.Attempts[0].AdmissionWait > TimeSpan.Zero);
        var firstEnd = first.Attempts[0].StartedAt + first.Attempts[0].Duration;
        second.Attempts[0].StartedAt.ShouldBeGreaterThanOrEqualTo(firstEnd - TimeSpan.FromMilliseconds(20));
        var notice = await events.Notices.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        notice.Code.ShouldBe(ErrorCodes.WaitingForResources);
        notice.Leg!.Name.ShouldBe(second.Name);
        notice.Message.ShouldContain("reserved by running legs");
        CakeParallel.Reports.JsonRunReport.Read(reports.ReportFile).Legs.Single(l => l.Name == second.Name).Attempts[0].AdmissionWait
            .ShouldBe(second.Attempts[0].AdmissionWait, TimeSpan.FromMilliseconds(1));
        var html = await File.ReadAllTextAsync(reports.HtmlFile);
        html.ShouldContain($"<line class=\"admission-wait\"");
        html.ShouldContain($"{second.Name}: waited ");
    }

    [Fact]
    public async Task A_load_limit_below_any_load_keeps_the_leg_from_starting_and_says_why()
    {
        var options = _scratch.Options() with { MaxLoad = 0.000001, AdmissionTimeout = TimeSpan.FromMilliseconds(300) };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("loaded", "true")], options);

        // The 1-minute load is never exactly zero on a machine running this test.
        result.Legs[0].Status.ShouldBe(LegStatus.NotStarted);
        result.Legs[0].FailureReason.ShouldNotBeNull().ShouldMatch(@"^Not started: Waited 300 ms for the 1-minute load to drop below 0; it was \d");
    }

    [Fact]
    public async Task A_pool_keeps_the_count_of_its_first_run_and_a_run_naming_another_gets_a_warning()
    {
        await ParallelRunner.RunAsync([Scratch.Sh("one", "true")], _scratch.Options() with { SharedSlots = new SharedSlots(_slots.Name, 2) });
        var events = new AdmissionEvents();

        var result = await ParallelRunner.RunAsync([Scratch.Sh("two", "true")], _scratch.Options() with { SharedSlots = new SharedSlots(_slots.Name, 5), Listener = events });

        result.Succeeded.ShouldBeTrue();
        events.Notices.Reader.TryRead(out var notice).ShouldBeTrue();
        notice!.Code.ShouldBe(ErrorCodes.SharedSlotsCountDiffers);
        notice.Message.ShouldContain($"already exists with 2 slot(s); this run asked for 5");
        File.ReadAllText(Path.Combine("/tmp/cakeparallel-slots", _slots.Name, "pool")).Trim().ShouldBe("2");
    }

    [Fact]
    public async Task A_leg_holding_a_shared_slot_and_a_reservation_inherits_no_lock_file_descriptor()
    {
        var options = _scratch.Options() with { SharedSlots = new SharedSlots(_slots.Name, 1), MinFreeMemory = 1 };
        var leg = Scratch.Sh("fds", "for f in /proc/$$/fd/*; do echo \"$f $(readlink $f)\"; done") with { Memory = 1024 };

        var result = await ParallelRunner.RunAsync([leg], options);

        result.Succeeded.ShouldBeTrue(result.Legs[0].FailureReason);
        var descriptors = result.Legs[0].OutputTail;
        descriptors.ShouldContain(l => l.Contains("/fd/1 ", StringComparison.Ordinal));
        descriptors.ShouldNotContain(l => l.Contains("cakeparallel-slots", StringComparison.Ordinal), string.Join("\n", descriptors));
    }

    [Theory]
    [InlineData("builds:4", "builds", 4)]
    [InlineData(" ci.runner_1 : 12 ", "ci.runner_1", 12)]
    public void The_environment_variable_names_the_pool_and_its_count(string value, string name, int count)
    {
        var errors = new List<ValidationError>();

        var overrides = RunPrecedence.FromEnvironment(new Dictionary<string, string?> { [RunPrecedence.SharedSlotsVariable] = value }, errors);

        errors.ShouldBeEmpty();
        overrides.SharedSlots.ShouldBe(new SharedSlots(name, count));
        RunPrecedence.Resolve(new RunOptions(), RunOverrides.None, overrides, new RunOverrides { SharedSlots = new SharedSlots("file", 1) })
            .SharedSlots.ShouldBe(new SharedSlots(name, count));
    }

    [Theory]
    [InlineData("builds")]
    [InlineData("builds:0")]
    [InlineData("../etc:2")]
    [InlineData(":3")]
    public void A_malformed_environment_value_is_an_error_naming_the_variable(string value)
    {
        var errors = new List<ValidationError>();

        RunPrecedence.FromEnvironment(new Dictionary<string, string?> { [RunPrecedence.SharedSlotsVariable] = value }, errors);

        errors.ShouldHaveSingleItem().Code.ShouldBe(ErrorCodes.EnvironmentVariableInvalid);
        errors[0].ToString().ShouldContain(RunPrecedence.SharedSlotsVariable);
    }

    [Fact]
    public void Invalid_admission_settings_are_reported_before_anything_starts()
    {
        var options = _scratch.Options() with { SharedSlots = new SharedSlots("a/b", 0), MaxLoad = 0, AdmissionTimeout = TimeSpan.Zero };
        var legs = new[] { Scratch.Sh("leg", "true") with { Memory = 0 } };

        var errors = RunPlanner.Plan(legs, options).Errors;

        errors.Select(e => e.Code).ShouldBe([ErrorCodes.SharedSlotsInvalid, ErrorCodes.AdmissionSettingInvalid, ErrorCodes.AdmissionSettingInvalid, ErrorCodes.AdmissionSettingInvalid], ignoreOrder: true);
    }

    /// <summary>For a failure message: each slot's holder record and the live processes that carry its runner's marker.</summary>
    private string DescribeSlotHolders()
    {
        var lines = new List<string>();
        foreach (var slot in Directory.GetFiles(_slots.Folder, "slot-*"))
        {
            // Through flock's own file type: .NET's File API takes a shared flock on open, which a held slot refuses.
            using var file = CakeParallel.Supervision.FileLock.TryOpenExisting(slot);
            var record = file?.Read().Trim() ?? "";
            lines.Add($"{Path.GetFileName(slot)}: '{record}'");
            var marker = record.Split(' ') is [_, var m, ..] ? "CAKEPARALLEL_RUNNER=" + m : null;
            foreach (var environ in marker is null ? [] : Directory.GetFiles("/proc", "environ", new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = 1, IgnoreInaccessible = true }))
            {
                try
                {
                    if (File.ReadAllText(environ).Contains(marker!, StringComparison.Ordinal))
                    {
                        var folder = Path.GetDirectoryName(environ)!;
                        lines.Add($"  marked: {Path.GetFileName(folder)} {File.ReadAllText(Path.Combine(folder, "cmdline")).Replace('\0', ' ')}");
                    }
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    // Gone meanwhile, or not ours to read.
                }
            }
        }

        return string.Join("\n", lines);
    }

    private static int PeakConcurrency(string stamps, int expectedLegs)
    {
        var events = new List<(long At, int Delta)>();
        foreach (var file in Directory.GetFiles(stamps))
        {
            events.Add((long.Parse(File.ReadAllText(file).Trim(), CultureInfo.InvariantCulture), file.EndsWith(".start", StringComparison.Ordinal) ? +1 : -1));
        }

        events.Count.ShouldBe(2 * expectedLegs);
        var running = 0;
        var peak = 0;
        foreach (var e in events.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            running += e.Delta;
            peak = Math.Max(peak, running);
        }

        return peak;
    }

    private static long MemTotal() => MemInfo("MemTotal:");

    private static long MemAvailable() => MemInfo("MemAvailable:");

    private static long MemInfo(string key) =>
        long.Parse(File.ReadLines("/proc/meminfo").First(l => l.StartsWith(key, StringComparison.Ordinal))[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;

    private sealed class AdmissionEvents : IRunListener
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();

        public System.Threading.Channels.Channel<AdmissionNotice> Notices { get; } = System.Threading.Channels.Channel.CreateUnbounded<AdmissionNotice>();

        public TimeSpan Now => _clock.Elapsed;

        /// <summary>When (on the test's clock, from the listener's creation) the first attempt started.</summary>
        public TimeSpan? Started { get; private set; }

        public void AdmissionNotice(AdmissionNotice notice) => Notices.Writer.TryWrite(notice);

        public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Started ??= _clock.Elapsed;
    }
}
