using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Supervision;

public sealed class OutputTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Invalid_utf8_is_decoded_with_replacement_characters_without_failing()
    {
        var result = await ParallelRunner.RunAsync([Scratch.Sh("bytes", "printf 'ok \\377\\376 end\\n\\303\\n'")], _scratch.Options());

        var leg = result.Legs.Single();
        leg.Status.ShouldBe(LegStatus.Succeeded);
        leg.OutputTail.ShouldBe(["ok \uFFFD\uFFFD end", "\uFFFD"]);
    }

    [Fact]
    public async Task A_leg_run_again_into_the_same_log_folder_replaces_its_earlier_log_entirely()
    {
        var options = _scratch.Options();
        var first = await ParallelRunner.RunAsync([Scratch.Sh("chatty", "seq 1 5000")], options);
        var earlier = new FileInfo(first.Legs[0].LogFile!).Length;

        var second = await ParallelRunner.RunAsync([Scratch.Sh("chatty", "echo once")], options);

        second.Legs[0].LogFile.ShouldBe(first.Legs[0].LogFile);
        var log = File.ReadAllText(second.Legs[0].LogFile!);
        new FileInfo(second.Legs[0].LogFile!).Length.ShouldBeLessThan(earlier / 10);
        log.ShouldContain(" out once\n");
        log.ShouldNotContain(" out 5000\n");
    }

    [Fact]
    public async Task A_10_MB_line_without_newline_is_split_into_bounded_pieces()
    {
        var options = _scratch.Options() with { MaxLineBytes = 64 * 1024 };
        var lines = new List<string>();

        var result = await ParallelRunner.RunAsync(
            [Scratch.Sh("long-line", "head -c 10485760 /dev/zero | tr '\\0' 'x'; echo; echo after")],
            options with { Listener = new LineCollector(lines) });

        result.Legs.Single().Status.ShouldBe(LegStatus.Succeeded);
        lines.Sum(l => l.Length).ShouldBe(10485760 + "after".Length);
        lines.ShouldAllBe(l => l.Length <= 64 * 1024);
        lines.Count.ShouldBe(160 + 1);
        lines[^1].ShouldBe("after");
        result.Legs[0].OutputTail[^1].ShouldBe("after");
        result.Legs[0].OutputTail.ShouldAllBe(l => l.Length <= 1001);
    }

    [Fact]
    public async Task Lines_are_split_at_character_boundaries_not_inside_a_utf8_sequence()
    {
        var lines = new List<string>();

        // 100 three-byte characters (300 bytes) with a 64-byte line limit: no piece may end in half a character.
        await ParallelRunner.RunAsync(
            [Scratch.Sh("euro", "for i in $(seq 100); do printf '\\342\\202\\254'; done; echo")],
            _scratch.Options() with { MaxLineBytes = 64, Listener = new LineCollector(lines) });

        string.Concat(lines).ShouldBe(new string('€', 100));
        lines.ShouldAllBe(l => !l.Contains('\uFFFD'));
    }

    [Fact]
    public async Task Secret_values_are_masked_in_the_log_the_tail_and_listener_output()
    {
        var lines = new List<string>();
        var leg = Scratch.Sh("leaky", "echo token=s3cr3t-value; echo s3cr3t-value >&2") with { SecretValues = ["s3cr3t-value"] };

        var result = await ParallelRunner.RunAsync([leg], _scratch.Options() with { Listener = new LineCollector(lines) });

        var outcome = result.Legs.Single();
        outcome.OutputTail.ShouldBe(["token=***", "***"], ignoreOrder: true);
        lines.ShouldAllBe(l => !l.Contains("s3cr3t"));
        (await File.ReadAllTextAsync(outcome.LogFile!)).ShouldNotContain("s3cr3t");
    }

    [Fact]
    public async Task Each_leg_gets_its_environment_working_directory_and_an_empty_stdin()
    {
        var work = _scratch.PathOf("work dir");
        Directory.CreateDirectory(work);
        var leg = new LegSpec("env", "/bin/sh", ["-c", "echo \"$GREETING|$(pwd)|$(cat)|${HOME:-unset}\"", "ignored"])
        {
            WorkingDirectory = work,
            EnvironmentVariables = new Dictionary<string, string?> { ["GREETING"] = "hi there; $(rm -rf /)", ["HOME"] = null },
        };

        var result = await ParallelRunner.RunAsync([leg], _scratch.Options());

        result.Legs.Single().OutputTail.ShouldBe([$"hi there; $(rm -rf /)|{work}||unset"]);
    }

    [Fact]
    public async Task Output_lines_reach_listeners_live_with_their_stream()
    {
        var lines = new List<(OutputStream, string)>();
        var listener = new StreamCollector(lines);

        await ParallelRunner.RunAsync([Scratch.Sh("both", "echo one; echo two >&2")], _scratch.Options() with { Listener = listener });

        lines.ShouldContain((OutputStream.Stdout, "one"));
        lines.ShouldContain((OutputStream.Stderr, "two"));
    }

    [Fact]
    public async Task A_leg_writing_200_MB_keeps_the_runner_memory_bounded()
    {
        var small = await TestHost.RunAsync(["flood", "1000", _scratch.PathOf("small")]);
        var large = await TestHost.RunAsync(["flood", "200000000", _scratch.PathOf("large")]);

        small.ShouldContain("status Succeeded");
        large.ShouldContain("status Succeeded");
        var growthKb = PeakRss(large) - PeakRss(small);
        growthKb.ShouldBeLessThan(12 * 1024, $"peak RSS grew by {growthKb} KB for 200 MB of output");
        new FileInfo(Path.Combine(_scratch.PathOf("large"), "flood.log")).Length.ShouldBeGreaterThan(200_000_000);
    }

    private static long PeakRss(string output) =>
        long.Parse(output.Split('\n').Single(l => l.StartsWith("peak-rss-kb ", StringComparison.Ordinal))["peak-rss-kb ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private sealed class LineCollector(List<string> lines) : IRunListener
    {
        public void OutputLine(LegSpec leg, OutputLine line) => lines.Add(line.Text);
    }

    private sealed class StreamCollector(List<(OutputStream, string)> lines) : IRunListener
    {
        public void OutputLine(LegSpec leg, OutputLine line) => lines.Add((line.Stream, line.Text));
    }
}
