using System.Text;
using System.Text.Json;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.Tests.Reports;

/// <summary>The journal's hand-written lines are exactly what its serializer (which reads them back) would write.</summary>
public sealed class JournalLineTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 13, 11, 36, TimeSpan.FromHours(2));
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Lines_of_a_real_run_are_what_the_serializer_writes()
    {
        var result = await MixedRun.RunAsync(_scratch, new ReportOptions());
        result.Legs.Count.ShouldBe(MixedRun.LegNames.Length);
        foreach (var leg in result.Legs)
        {
            ShouldMatchSerializer(new JsonJournalEntry { Leg = JsonLeg.From(leg) });
        }

        ShouldMatchSerializer(new JsonJournalEntry { RunId = result.RunId, Host = result.Host, StartedAt = result.StartedAt });
    }

    [Fact]
    public void Every_field_every_status_and_awkward_text_are_written_as_the_serializer_writes_them()
    {
        var statuses = Enum.GetValues<LegStatus>();
        var outcomes = Enum.GetValues<AttemptOutcome>();
        for (var i = 0; i < Math.Max(statuses.Length, outcomes.Length); i++)
        {
            var full = new LegResult
            {
                Name = "node 20 · \"alpine\" <arm64> & co\u0001",
                Id = "a1b2c3",
                Parameters = new Dictionary<string, string> { ["node"] = "20", ["os"] = "alpine\ttab", ["ünï"] = "✓" },
                Status = statuses[i % statuses.Length],
                Duration = TimeSpan.FromMilliseconds(1234.5678),
                ExitCode = -i,
                Signal = "SIGTERM",
                FailureReason = "exit 3: error CS1002: ; expected \\ \"quoted\" \u2028",
                LogFile = "/tmp/logs/node 20.log",
                ImageId = "sha256:0123",
                Tags = ["registry.local:5000/app:20", "app:latest"],
                Remarks = ["reused from run 7", "</script>"],
                OutputTail = ["line one", "", "emoji 🚀"],
                Attempts =
                [
                    new AttemptRecord(1, Start, TimeSpan.FromSeconds(0.1), 1, null, outcomes[i % outcomes.Length], new RetryDecision(true, "exit code 1", TimeSpan.FromSeconds(1.5)), "detail")
                    {
                        Endpoint = "engine-a",
                        EndpointLost = true,
                        AdmissionWait = TimeSpan.FromSeconds(2.25),
                    },
                    new AttemptRecord(2, Start.AddSeconds(3), TimeSpan.FromSeconds(1e-7), 0, "SIGKILL", AttemptOutcome.Succeeded, RetryDecision.NotNeeded, null),
                ],
                Endpoint = "engine-b",
                PushedDigests = new Dictionary<string, string> { ["app:20"] = "sha256:abcd" },
                InputsHash = "sha256:feed",
                Shard = new Shard(2, 3),
                Host = "ci-runner-7",
                ExpectedDuration = TimeSpan.FromSeconds(42.5),
                Needs = ["base", "tools"],
                NeedsWait = TimeSpan.FromSeconds(0.75),
            };
            ShouldMatchSerializer(new JsonJournalEntry { Leg = JsonLeg.From(full) });

            // The fewest fields: every optional one absent.
            ShouldMatchSerializer(new JsonJournalEntry { Leg = JsonLeg.From(new LegResult { Name = "bare", Id = "0", Status = statuses[i % statuses.Length] }) });
        }
    }

    private static void ShouldMatchSerializer(JsonJournalEntry entry)
    {
        var expected = JsonSerializer.Serialize(entry, JsonJournalContext.Default.JsonJournalEntry) + "\n";
        using var lines = new JournalLineWriter();
        Encoding.UTF8.GetString(lines.Line(entry)).ShouldBe(expected);

        // Again with the same writer: its buffer starts over for every line.
        Encoding.UTF8.GetString(lines.Line(entry)).ShouldBe(expected);
    }
}
