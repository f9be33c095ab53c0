using System.Globalization;
using CakeParallel.Model;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// A fixed, made-up result of a run of many legs on a pool of two docker engines (every status, retries with
/// backoff, machine-wide admission waits, legs that waited for a slot, parameters, tails with markup, images,
/// tags, pushed digests, shards, waits for needed legs): large enough that every report is written in many pieces. Deterministic, so
/// its reports can be compared with the ones written before reports were streamed (Fixtures/large-sample.*).
/// </summary>
internal static class LargeSampleRun
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 3, 25, 42, 123, TimeSpan.Zero);

    public static RunResult Create(int legs = 400)
    {
        var results = Enumerable.Range(0, legs).Select(Leg).ToList();
        return new RunResult
        {
            RunId = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",
            Host = "build-agent-7",
            StartedAt = Start,
            Duration = TimeSpan.FromSeconds(legs * 0.75 + 3.25),
            Legs = results,
            Settings = new RunSettings(2, false, TimeSpan.FromMinutes(5), null, "SIGTERM, 10 s, SIGKILL", new RetryPolicy { MaxAttempts = 3, InitialDelay = TimeSpan.FromSeconds(1), UseJitter = false })
            {
                Endpoints = [new EndpointSetting("engine-1", 1), new EndpointSetting("engine-2", 1)],
            },
            Shard = new Shard(2, 3),
        };
    }

    private static LegResult Leg(int i)
    {
        var n = i.ToString(CultureInfo.InvariantCulture);
        var status = (i % 11) switch
        {
            3 => LegStatus.Failed,
            5 => LegStatus.TimedOut,
            7 => LegStatus.Cancelled,
            9 => LegStatus.NotStarted,
            _ => LegStatus.Succeeded,
        };
        var engine = i % 2 == 0 ? "engine-1" : "engine-2";
        var attempts = new List<AttemptRecord>();
        if (status != LegStatus.NotStarted)
        {
            var startedAt = Start + TimeSpan.FromSeconds(i * 0.75 + 0.125);
            var count = i % 4 == 1 ? 2 : 1;
            for (var a = 1; a <= count; a++)
            {
                var last = a == count;
                var outcome = !last ? AttemptOutcome.Failed : status switch
                {
                    LegStatus.Failed => AttemptOutcome.Failed,
                    LegStatus.TimedOut => AttemptOutcome.TimedOut,
                    LegStatus.Cancelled => AttemptOutcome.Cancelled,
                    _ => AttemptOutcome.Succeeded,
                };
                var duration = TimeSpan.FromMilliseconds(300 + (i * 37 % 900));
                attempts.Add(new AttemptRecord(
                    a,
                    startedAt,
                    duration,
                    outcome == AttemptOutcome.Succeeded ? 0 : outcome == AttemptOutcome.Failed ? 3 : 143,
                    outcome is AttemptOutcome.TimedOut or AttemptOutcome.Cancelled ? "SIGTERM" : null,
                    outcome,
                    last ? new RetryDecision(false, "no retry needed") : new RetryDecision(true, "exit code 3 <matched> & retried", TimeSpan.FromSeconds(1)),
                    outcome == AttemptOutcome.Succeeded ? "exited with code 0" : "exited with code 3: error CS1002: ; expected")
                {
                    Endpoint = engine,
                    AdmissionWait = i % 6 == 0 ? TimeSpan.FromMilliseconds(250) : TimeSpan.Zero,
                });
                startedAt += duration + TimeSpan.FromSeconds(1);
            }
        }

        var failed = status is LegStatus.Failed or LegStatus.TimedOut or LegStatus.Cancelled;
        return new LegResult
        {
            Name = $"build-{n} <net{i % 3 + 8}.0> & \"quoted\"",
            Id = $"id-{i:x8}",
            Parameters = new Dictionary<string, string> { ["os"] = i % 2 == 0 ? "linux" : "windows", ["node"] = n, ["tag`s"] = "a|b" },
            Status = status,
            Attempts = attempts,
            Duration = attempts.Count == 0 ? TimeSpan.Zero : attempts[^1].StartedAt + attempts[^1].Duration - attempts[0].StartedAt,
            ExitCode = attempts.Count == 0 ? null : attempts[^1].ExitCode,
            Signal = attempts.Count == 0 ? null : attempts[^1].Signal,
            LogFile = $"/tmp/logs/build-{n}.log",
            OutputTail = failed ? ["compiling <lib> & \"app\"", "``` fenced ```", "error CS1002: ; expected \u001b[31mred\u001b[0m"] : ["built ok"],
            FailureReason = status switch
            {
                LegStatus.Failed => "exited with code 3",
                LegStatus.TimedOut => "timed out after 5 min",
                LegStatus.Cancelled => "the run was stopped (fail-fast)",
                LegStatus.NotStarted => "Not started: the run was stopped",
                _ => null,
            },
            ImageId = status == LegStatus.Succeeded ? $"sha256:{i:x64}" : null,
            Tags = status == LegStatus.Succeeded ? [$"images.example/app:{n}"] : [],
            PushedDigests = status == LegStatus.Succeeded && i % 3 == 0 ? new Dictionary<string, string> { [$"images.example/app:{n}"] = $"sha256:{i + 1:x64}" } : new Dictionary<string, string>(),
            Endpoint = attempts.Count == 0 ? null : engine,
            Remarks = i % 13 == 0 ? ["left a process behind: sleep (pid 4242)"] : [],
            Shard = new Shard(2, 3),
            Host = "build-agent-7",
            // Some legs waited for the legs they need for part of their late start (from the run's start on).
            Needs = i % 5 == 2 ? ["id-00000000"] : [],
            NeedsWait = i % 5 == 2 && attempts.Count > 0 ? TimeSpan.FromSeconds(i * 0.75 * (i % 2 == 0 ? 0.5 : 1.0)) : null,
        };
    }
}
