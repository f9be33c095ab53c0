using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;
using CakeParallel.Tests.Services;

namespace CakeParallel.Tests.Reports;

/// <summary>The hand-written JSON report is exactly what its serializer (which reads it back) would write.</summary>
public sealed class JsonReportWriterTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 13, 11, 36, 250, TimeSpan.FromHours(2));
    private const string Awkward = "quote \" backslash \\ tab\t nul\u0000 esc\u001b ünï ✓ \u2028\u2029 </script> <b>&amp;</b> 'apos' a+b emoji 🚀";
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task The_report_of_a_real_run_is_what_the_serializer_writes()
    {
        var path = _scratch.PathOf("out/report.json");
        var result = await MixedRun.RunAsync(_scratch, new ReportOptions { ReportFile = path });
        result.Settings.ShouldNotBeNull();

        ShouldMatchSerializer(result);
        (await File.ReadAllTextAsync(path)).ShouldBe(SerializerText(result));
    }

    [Fact]
    public async Task The_report_of_a_real_run_with_services_is_what_the_serializer_writes()
    {
        var steady = ServiceProbe.Sh(_scratch, "steady", "echo up; exec sleep 600") with { Probes = [new OutputProbe("up")] };
        var dying = ServiceProbe.Sh(_scratch, "dying", "echo up; sleep 0.5; echo 'segfault <core> & \"dumped\"' >&2; exit 139") with
        {
            Probes = [new OutputProbe("up")],
            ServiceFailureIsWarning = true,
        };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("long", "sleep 2")], _scratch.Options() with { Services = [steady, dying] });

        result.ServiceEvents.Select(e => e.Kind).ShouldContain(ServiceEventKind.Died);
        result.ServiceEvents.Select(e => e.Kind).ShouldContain(ServiceEventKind.Stopped);
        ShouldMatchSerializer(result);
    }

    [Fact]
    public void Every_field_every_enum_value_and_awkward_text_are_written_as_the_serializer_writes_them()
    {
        var statuses = Enum.GetValues<LegStatus>();
        var outcomes = Enum.GetValues<AttemptOutcome>();
        var kinds = Enum.GetValues<ServiceEventKind>();
        var legs = Enumerable.Range(0, Math.Max(statuses.Length, outcomes.Length)).Select(i => FullLeg(i, statuses[i % statuses.Length], outcomes[i % outcomes.Length])).ToList();
        foreach (var publishOutcome in Enum.GetValues<PublishOutcome>())
        {
            var result = new RunResult
            {
                RunId = "run " + Awkward,
                Host = "host " + Awkward,
                StartedAt = Start,
                Duration = TimeSpan.FromSeconds(123.4567),
                WasCancelled = true,
                Legs = [.. legs, new LegResult { Name = "bare", Id = "0", Status = LegStatus.NotStarted }],
                Settings = new RunSettings(
                    3,
                    true,
                    TimeSpan.FromMinutes(5.5),
                    TimeSpan.FromHours(1) + TimeSpan.FromMilliseconds(0.4),
                    "SIGTERM, 10 s, SIGKILL " + Awkward,
                    new RetryPolicy
                    {
                        MaxAttempts = 4,
                        InitialDelay = TimeSpan.FromMilliseconds(1500),
                        MaxDelay = TimeSpan.FromSeconds(30.0005),
                        UseJitter = true,
                        RetryOnExitCodes = [1, -1, 137],
                        RetryOnOutput = ["TLS handshake timeout", Awkward],
                        RetryOnTimeout = true,
                    })
                {
                    RetryVariesByLeg = true,
                    Endpoints = [new EndpointSetting("engine-a", 2), new EndpointSetting("engine " + Awkward, 1)],
                },
                ServiceEvents = [.. kinds.Select((kind, i) => new ServiceEvent("svc " + Awkward, kind, Start.AddSeconds(i), "message " + Awkward)
                {
                    Code = "CPAR0505",
                    ExitCode = 139 - i,
                    Signal = "SIGSEGV",
                    LastProbeError = "TCP connect to 127.0.0.1:5000: " + Awkward,
                    LogFile = "/tmp/logs/service svc.log",
                    FailsRun = i % 2 == 0,
                    OutputTail = ["line", "", Awkward],
                })],
                Shard = new Shard(2, 3),
                Matrix = new MatrixLayout("sha256:f1ng3r", [
                    new MatrixLayoutLeg("a1", "node 20 " + Awkward, new Dictionary<string, string> { ["node"] = "20", ["key " + Awkward] = Awkward }, new Shard(1, 3)),
                    new MatrixLayoutLeg("b2", "node 22", new Dictionary<string, string>(), null),
                ]),
                Publish = new PublishResult
                {
                    Outcome = publishOutcome,
                    HeldBackBy = [.. statuses.Select(s => new PublishHoldBack("leg " + Awkward, s))],
                    Tags = [new PublishTag("registry.local:5000/app:20", "node 20", "sha256:abcd") { Written = true }, new PublishTag("app:" + Awkward, "node 22", null)],
                    StagingTags = [new StagingTag("app:cakeparallel-staging-1", "sha256:abcd") { Removed = true }, new StagingTag("app:staging-2", "sha256:ef01") { Note = "kept for a resumed run " + Awkward }],
                    Code = "CPAR0601",
                    Error = "registry said no: " + Awkward,
                },
                Warnings = [new ValidationError("CPAR0401", "leg " + Awkward, "Endpoints", "engine-b " + Awkward), new ValidationError("CPAR0402", null, "Run", "for the run")],
            };

            ShouldMatchSerializer(result);

            // Every property the serializer knows is in this report: a field added to the records is set here too.
            PropertyNames(JsonReportContext.Default.JsonReportDocument, []).Except(NamesIn(JsonRunReport.Render(result))).ShouldBeEmpty();
        }
    }

    [Fact]
    public void A_report_with_every_optional_field_absent_is_written_as_the_serializer_writes_it()
    {
        ShouldMatchSerializer(new RunResult { RunId = "", Host = "", StartedAt = default, Duration = TimeSpan.Zero, Legs = [] });

        // Present but empty where the document has lists: no legs, events, endpoints, hold-backs, tags or warnings.
        ShouldMatchSerializer(new RunResult
        {
            RunId = "r",
            StartedAt = Start,
            Duration = TimeSpan.FromTicks(1),
            Legs = [new LegResult { Name = "bare", Id = "0", Status = LegStatus.Succeeded }],
            Settings = new RunSettings(1, false, null, null, "", new RetryPolicy()),
            Matrix = new MatrixLayout("", []),
            Publish = new PublishResult { Outcome = PublishOutcome.Published },
        });
    }

    [Fact]
    public void A_report_of_thousands_of_legs_is_written_in_pieces_as_the_serializer_writes_it()
    {
        var result = LargeSampleRun.Create(3000);
        using var output = new WriteCountingStream();

        JsonRunReport.Write(result, output);

        Encoding.UTF8.GetString(output.ToArray()).ShouldBe(SerializerText(result));
        output.Writes.ShouldBeGreaterThan(10);
        output.LargestWrite.ShouldBeLessThan(64 * 1024);
    }

    private static LegResult FullLeg(int i, LegStatus status, AttemptOutcome outcome) => new()
    {
        Name = "node 20 · \"alpine\" <arm64> & co\u0001 " + Awkward,
        Id = "a1b2c3-" + i,
        Parameters = new Dictionary<string, string> { ["node"] = "20", ["os"] = "alpine\ttab", ["ünï " + Awkward] = "✓ " + Awkward },
        Status = status,
        Duration = TimeSpan.FromMilliseconds(1234.5678 * (i + 1)),
        ExitCode = -i,
        Signal = "SIGTERM",
        FailureReason = "exit 3: error CS1002: ; expected " + Awkward,
        LogFile = "/tmp/logs/node 20.log",
        ImageId = "sha256:0123",
        Tags = ["registry.local:5000/app:20", "app:latest"],
        Remarks = ["reused from run 7", Awkward],
        OutputTail = ["line one", "", Awkward],
        Attempts =
        [
            new AttemptRecord(1, Start, TimeSpan.FromSeconds(0.1), 1, null, outcome, new RetryDecision(true, "exit code 1 " + Awkward, TimeSpan.FromSeconds(1.5)), "detail " + Awkward)
            {
                Endpoint = "engine-a",
                EndpointLost = true,
                AdmissionWait = TimeSpan.FromSeconds(2.25),
            },
            new AttemptRecord(2, Start.AddSeconds(3.3333), TimeSpan.FromSeconds(1e-7), null, "SIGKILL", AttemptOutcome.Succeeded, RetryDecision.NotNeeded, null),
        ],
        Endpoint = "engine-b",
        PushedDigests = new Dictionary<string, string> { ["app:20"] = "sha256:abcd", [Awkward] = Awkward },
        InputsHash = "sha256:feed",
        Shard = new Shard(2, 3),
        Host = "ci-runner-7",
        ExpectedDuration = TimeSpan.FromSeconds(42.5),
        Needs = ["base", Awkward],
        NeedsWait = TimeSpan.FromSeconds(0.75),
    };

    /// <summary>The JSON names of the properties of <paramref name="type"/> and of every record it holds, from the serializer's metadata.</summary>
    private static IEnumerable<string> PropertyNames(JsonTypeInfo type, HashSet<Type> seen)
    {
        if (!seen.Add(type.Type))
        {
            return [];
        }

        var held = type.Properties.Select(p => p.PropertyType).Append(type.ElementType).Append(type.KeyType).OfType<Type>()
            .Where(t => t.Namespace == typeof(JsonReportDocument).Namespace || t.IsGenericType);
        return type.Properties.Select(p => p.Name)
            .Concat(held.SelectMany(t => PropertyNames(JsonReportContext.Default.GetTypeInfo(t)!, seen)))
            .ToList();
    }

    /// <summary>Every property name of every object in <paramref name="json"/>.</summary>
    private static HashSet<string> NamesIn(string json)
    {
        var names = new HashSet<string>();
        void Walk(JsonElement element)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    names.Add(property.Name);
                    Walk(property.Value);
                }
            }
            else if (element.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        using var document = JsonDocument.Parse(json);
        Walk(document.RootElement);
        return names;
    }

    private static string SerializerText(RunResult result) =>
        JsonSerializer.Serialize(JsonReportDocument.From(result, JsonRunReport.SchemaVersion, JsonRunReport.ToolVersion()), JsonReportContext.Default.JsonReportDocument) + "\n";

    private static void ShouldMatchSerializer(RunResult result)
    {
        var expected = SerializerText(result);
        JsonRunReport.Render(result).ShouldBe(expected);

        using var output = new MemoryStream();
        JsonRunReport.Write(result, output);
        output.ToArray().ShouldBe(Encoding.UTF8.GetBytes(expected));
    }

    /// <summary>A memory stream that counts the writes it is given and their largest size.</summary>
    private sealed class WriteCountingStream : MemoryStream
    {
        public int Writes { get; private set; }

        public int LargestWrite { get; private set; }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Count(buffer.Length);
            base.Write(buffer);
        }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Count(count);
            base.Write(buffer, offset, count);
        }

        private void Count(int length)
        {
            Writes++;
            LargestWrite = Math.Max(LargestWrite, length);
        }
    }
}
