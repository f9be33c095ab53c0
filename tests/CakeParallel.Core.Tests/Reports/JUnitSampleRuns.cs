using CakeParallel.Model;

namespace CakeParallel.Tests.Reports;

/// <summary>
/// Fixed, made-up results whose JUnit reports are kept as golden files (Fixtures/junit-*.xml, written by the
/// System.Xml writer the report used before it was written by hand): every leg status, every publish outcome,
/// failures whose output holds what XML must escape or normalise (line breaks of every kind, tabs, quotes,
/// markup, <c>]]&gt;</c>, non-ASCII, emoji, control characters the report cleans, a very long line), legs with
/// and without exit codes and signals, run settings, and a run of no legs.
/// </summary>
internal static class JUnitSampleRuns
{
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 9, 41, 7, 250, TimeSpan.FromHours(2));

    /// <summary>Text that every writer of XML must take care of, as a leg's output might hold it.</summary>
    public static readonly string[] AwkwardTail =
    [
        "windows line\r\nends here\r\n",
        "old mac\rline\rends",
        "mixed \n\r \r\r\n \n\n ends",
        "\ttabbed\tcolumns\t",
        "quotes \"double\" and 'single'",
        "<failure message=\"x\">&amp; & &lt; </failure>",
        "cdata end ]]> and ]] > and ]]]]>> and a lone ]]",
        "non-ASCII: é ü ß Ø 中文 Ω – ‘’ “” … € \u00A0nbsp \u0085nel \u2028ls \u2029ps",
        "emoji 😀 👩‍💻 🇩🇪 and a math letter 𝔸",
        "controls: nul \u0000 bell \u0007 vt \u000B ff \u000C esc-red \u001B[31mred\u001B[0m lone-esc \u001B del \u007F c1 \u0080 \u009B",
        "broken surrogates: high \uD83D alone, low \uDE00 alone, reversed \uDE00\uD83D, not characters \uFFFE \uFFFF",
        "   leading spaces and trailing spaces   ",
        "",
        "long: " + string.Concat(Enumerable.Range(0, 400).Select(i => $"segment {i} <&> ")),
    ];

    /// <summary>The sample named <paramref name="name"/>, whose golden file is <c>Fixtures/junit-&lt;name&gt;.xml</c>.</summary>
    public static RunResult Create(string name) => name switch
    {
        "every-status" => EveryStatus(),
        "publish-held-back" => PublishHeldBack(),
        "publish-failed" => PublishFailed(),
        "no-legs" => new RunResult
        {
            RunId = "0193a2b4-0000-7000-8000-000000000000",
            Host = "empty-host",
            StartedAt = Start,
            Duration = TimeSpan.Zero,
            Legs = [],
        },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such sample run"),
    };

    private static RunResult EveryStatus() => new()
    {
        RunId = "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",
        Host = "agent <7> & \"blue\" ü",
        StartedAt = Start,
        Duration = TimeSpan.FromSeconds(1234.56789),
        Settings = new RunSettings(3, true, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1), "SIGTERM, 10 s, SIGKILL", new RetryPolicy { MaxAttempts = 3 })
        {
            Endpoints = [new EndpointSetting("engine-1", 2), new EndpointSetting("engine <2> & \"two\"", 1)],
        },
        Legs =
        [
            new LegResult
            {
                Name = "linux-x64",
                Id = "id-00000001",
                Parameters = new Dictionary<string, string> { ["os"] = "linux", ["arch"] = "x64 <& \"arm\">", ["z-last"] = "tab\there" },
                Status = LegStatus.Succeeded,
                Attempts = [Attempt(1, 0, 12.3456, 0, null, AttemptOutcome.Succeeded, "engine-1")],
                Duration = TimeSpan.FromSeconds(12.3456),
                ExitCode = 0,
                LogFile = "/tmp/logs/linux x64 & co.log",
                OutputTail = ["built ok"],
                ImageId = "sha256:" + new string('a', 64),
                Tags = ["images.example/app:1", "images.example/app:latest"],
                PushedDigests = new Dictionary<string, string> { ["images.example/app:1"] = "sha256:" + new string('b', 64) },
                Endpoint = "engine-1",
                Remarks = ["left a process behind: sleep (pid 4242) <zombie> & \"friends\""],
            },
            new LegResult
            {
                Name = "windows \"quoted\" <net8.0> & co",
                Id = "id-00000002",
                Status = LegStatus.Failed,
                Attempts =
                [
                    Attempt(1, 1, 2.5, 3, null, AttemptOutcome.Failed, "engine-1") with
                    {
                        Decision = new RetryDecision(true, "exit code 3 <matched> & retried", TimeSpan.FromSeconds(1.5)),
                        EndpointLost = true,
                    },
                    Attempt(2, 5, 3.25, 3, null, AttemptOutcome.Failed, "engine <2> & \"two\""),
                ],
                Duration = TimeSpan.FromSeconds(7.25),
                ExitCode = 3,
                LogFile = "/tmp/logs/windows.log",
                OutputTail = AwkwardTail,
                FailureReason = "Exited with code 3: error CS1002: ; expected <here> & \"there\"\r\nsecond line\tafter a tab\rthird \u001B[1mbold\u001B[0m \u0001",
                Endpoint = "engine <2> & \"two\"",
            },
            new LegResult
            {
                Name = "slow",
                Id = "id-00000003",
                Parameters = new Dictionary<string, string> { ["timeout"] = "5m" },
                Status = LegStatus.TimedOut,
                Attempts = [Attempt(1, 2, 300.0004, 143, "SIGTERM", AttemptOutcome.TimedOut, null)],
                Duration = TimeSpan.FromSeconds(300.0004),
                ExitCode = 143,
                Signal = "SIGTERM",
                OutputTail = ["starting", "still going…"],
                FailureReason = "timed out after 5 min",
            },
            new LegResult
            {
                Name = "killed",
                Id = "id-00000004",
                Status = LegStatus.Failed,
                Attempts = [Attempt(1, 3, 0.9995, 137, "SIGKILL", AttemptOutcome.Failed, null)],
                Duration = TimeSpan.FromSeconds(0.9995),
                ExitCode = 137,
                Signal = "SIGKILL",
                OutputTail = ["out of memory?"],
                FailureReason = "was killed by SIGKILL",
            },
            new LegResult
            {
                Name = "stopped",
                Id = "id-00000005",
                Status = LegStatus.Cancelled,
                Attempts = [Attempt(1, 4, 1, null, null, AttemptOutcome.Cancelled, null)],
                Duration = TimeSpan.FromSeconds(1),
            },
            new LegResult
            {
                Name = "never",
                Id = "id-00000006",
                Status = LegStatus.NotStarted,
                FailureReason = "Not started: the run was stopped (fail-fast) <after 'windows'>",
            },
            new LegResult
            {
                Name = "never-without-reason",
                Id = "id-00000007",
                Status = LegStatus.NotStarted,
            },
            new LegResult
            {
                Name = "from-last-run",
                Id = "id-00000008",
                Status = LegStatus.Reused,
                Attempts = [Attempt(1, -600, 4, 0, null, AttemptOutcome.Succeeded, null)],
                Duration = TimeSpan.FromSeconds(4),
                ExitCode = 0,
                Remarks = ["reused: run 0193a2b4-aaaa-7000-8000-000000000000 succeeded"],
            },
            new LegResult
            {
                Name = "cached-image",
                Id = "id-00000009",
                Status = LegStatus.UpToDate,
                ImageId = "sha256:" + new string('c', 64),
                Tags = ["images.example/cached:2"],
                Endpoint = "engine-1",
            },
            new LegResult
            {
                // A name with a line break, a tab and DEL, on an engine: the engine's property is named after it uncleaned.
                Name = "multi\r\nline\tname \u007F <x> & \"y\"",
                Id = "id-0000000a",
                Status = LegStatus.Succeeded,
                Attempts = [Attempt(1, 6, 0.001, 0, null, AttemptOutcome.Succeeded, "engine-1")],
                Duration = TimeSpan.FromSeconds(0.001),
                ExitCode = 0,
                Endpoint = "engine-1",
            },
        ],
        Publish = new PublishResult
        {
            Outcome = PublishOutcome.Published,
            Tags =
            [
                new PublishTag("registry.example/app:1", "linux-x64", "sha256:" + new string('b', 64)) { Written = true },
                new PublishTag("registry.example/app:<latest>", "linux-x64", "sha256:" + new string('b', 64)) { Written = true },
            ],
            StagingTags = [new StagingTag("registry.example/app:cakeparallel-staging-x", "sha256:" + new string('b', 64)) { Removed = false, Note = "the registry cannot delete a tag alone" }],
        },
    };

    private static RunResult PublishHeldBack() => new()
    {
        RunId = "0193a2b4-1111-7000-8000-000000000000",
        Host = "build-agent-7",
        StartedAt = Start,
        Duration = TimeSpan.FromSeconds(61.5),
        WasCancelled = true,
        Legs =
        [
            new LegResult
            {
                Name = "app-amd64",
                Id = "id-00000011",
                Status = LegStatus.Succeeded,
                Attempts = [Attempt(1, 0, 40, 0, null, AttemptOutcome.Succeeded, null)],
                Duration = TimeSpan.FromSeconds(40),
                ExitCode = 0,
                ImageId = "sha256:" + new string('d', 64),
                Tags = ["registry.example/app:2-amd64"],
            },
            new LegResult
            {
                Name = "app-arm64",
                Id = "id-00000012",
                Status = LegStatus.Cancelled,
                Attempts = [Attempt(1, 0, 60, -1, null, AttemptOutcome.Cancelled, null)],
                Duration = TimeSpan.FromSeconds(60),
                ExitCode = -1,
                OutputTail = ["#12 [build 3/7] RUN make \u001B[33mwarning\u001B[0m", "^C"],
                FailureReason = "the run was cancelled",
            },
        ],
        Publish = new PublishResult
        {
            Outcome = PublishOutcome.HeldBack,
            Code = ErrorCodes.DockerPublishHeldBack,
            HeldBackBy = [new PublishHoldBack("app-arm64", LegStatus.Cancelled)],
            Tags =
            [
                new PublishTag("registry.example/app:2", "app-amd64", "sha256:" + new string('d', 64)),
                new PublishTag("registry.example/app:2", "app-arm64", null),
            ],
        },
    };

    private static RunResult PublishFailed() => new()
    {
        RunId = "0193a2b4-2222-7000-8000-000000000000",
        Host = "build-agent-8",
        StartedAt = Start.ToOffset(TimeSpan.Zero),
        Duration = TimeSpan.FromMilliseconds(999.9996),
        Settings = new RunSettings(1, false, null, null, "SIGINT, 5 s, SIGKILL", new RetryPolicy()),
        Legs =
        [
            new LegResult
            {
                Name = "only",
                Id = "id-00000021",
                Parameters = new Dictionary<string, string> { ["registry"] = "registry.example" },
                Status = LegStatus.Succeeded,
                Attempts = [Attempt(1, 0, 0.5, 0, null, AttemptOutcome.Succeeded, null)],
                Duration = TimeSpan.FromSeconds(0.5),
                ExitCode = 0,
                ImageId = "sha256:" + new string('e', 64),
                Tags = ["registry.example/only:3"],
                PushedDigests = new Dictionary<string, string> { ["registry.example/only:3"] = "sha256:" + new string('f', 64) },
            },
        ],
        Publish = new PublishResult
        {
            Outcome = PublishOutcome.Failed,
            Code = ErrorCodes.DockerPublishFailed,
            Error = "registry.example answered 500 for PUT /v2/only/manifests/3: <html><body>Internal & \"Server\" Error</body></html>\r\n\tretry later",
            Tags = [new PublishTag("registry.example/only:3", "only", "sha256:" + new string('f', 64)) { Written = true }],
        },
    };

    private static AttemptRecord Attempt(int number, double startSeconds, double seconds, int? exitCode, string? signal, AttemptOutcome outcome, string? endpoint) => new(
        number,
        Start + TimeSpan.FromSeconds(startSeconds),
        TimeSpan.FromSeconds(seconds),
        exitCode,
        signal,
        outcome,
        outcome == AttemptOutcome.Succeeded ? RetryDecision.NotNeeded : new RetryDecision(false, "no retry left <3/3> & \"done\""),
        outcome == AttemptOutcome.Succeeded ? null : "\"<stderr>\" & more")
    {
        Endpoint = endpoint,
    };
}
