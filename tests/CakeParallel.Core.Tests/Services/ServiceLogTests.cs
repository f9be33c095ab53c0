using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CakeParallel.Model;
using CakeParallel.Services;

namespace CakeParallel.Tests.Services;

/// <summary>
/// A service's capped log: past the cap it keeps exactly the latest output, in order, under a note that says what
/// was dropped; it can be followed like <c>tail -f</c> while the service runs; the final file holds no gap.
/// </summary>
public sealed partial class ServiceLogTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_log_capped_many_times_keeps_exactly_the_last_lines_in_order_under_the_note()
    {
        // About 22 MB of log lines into a 1 MB log: the older half is dropped again and again (and, past 16 caps of
        // dropped output, moved up while the service runs); a line written after the last drop is kept too.
        var spec = ServiceProbe.Sh(_scratch, "counter", "seq 1 600000; echo last-line; exec sleep 600") with
        {
            Probes = [new OutputProbe("last-line")],
            MaxLogBytes = 1024 * 1024,
        };

        await using (var service = await RunningService.StartAsync(spec))
        {
        }

        var bytes = await File.ReadAllBytesAsync(spec.LogFile!);
        bytes.Length.ShouldBeLessThanOrEqualTo(1024 * 1024);
        bytes.Length.ShouldBeGreaterThan(400 * 1024, "the latest half of the cap at least is kept");
        bytes.ShouldNotContain((byte)0, "no gap is left in the final file");
        var lines = Encoding.UTF8.GetString(bytes).Split('\n')[..^1];
        var note = CapNote().Match(lines[0]);
        note.Success.ShouldBeTrue(lines[0]);
        var numbers = lines.Skip(1).TakeWhile(l => OutputLine().IsMatch(l) && !l.EndsWith(" out last-line", StringComparison.Ordinal))
            .Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ToList();
        numbers.Count.ShouldBeGreaterThan(10000);
        numbers.ShouldBe(Enumerable.Range(numbers[0], 600000 - numbers[0] + 1), "the kept lines are the last ones, each once, in order");
        lines[numbers.Count + 1].ShouldEndWith(" out last-line");
        lines.Skip(numbers.Count + 2).ShouldAllBe(l => l.Contains(" --- ", StringComparison.Ordinal));

        // The note counts every byte before the first kept line: the service's lines (24-byte stamp, " out ", the
        // number, a newline) and the runner's two notes about starting it.
        var droppedLines = Enumerable.Range(1, numbers[0] - 1).Sum(n => 24L + 5 + n.ToString(CultureInfo.InvariantCulture).Length + 1);
        (long.Parse(note.Groups[1].Value, CultureInfo.InvariantCulture) - droppedLines).ShouldBeInRange(50, 1000);
    }

    [Fact]
    public async Task A_reader_following_the_log_sees_every_new_line_in_order_also_when_the_cap_is_crossed()
    {
        // 150,000 lines (about 5.4 MB) cross the 4 MB cap once before the reader starts at the end of the file;
        // 40,000 more cross it again while it reads, as `tail -f` does: by its open file, from where it was.
        var go = _scratch.PathOf("go");
        var spec = ServiceProbe.Sh(_scratch, "follow", $"seq 1 150000; echo first-done; while [ ! -e '{go}' ]; do sleep 0.05; done; seq 150001 190000; echo second-done; exec sleep 600") with
        {
            Probes = [new OutputProbe("first-done")],
            MaxLogBytes = 4 * 1024 * 1024,
        };

        await using var service = await RunningService.StartAsync(spec);
        using var follower = new FileStream(spec.LogFile!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var firstNote = await FirstLineOnceItContainsAsync(spec.LogFile!, "first-done", follower);
        follower.Seek(0, SeekOrigin.End);
        await File.WriteAllTextAsync(go, "");

        var seen = new StringBuilder();
        var buffer = new byte[64 * 1024];
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!seen.ToString().Contains(" out second-done\n", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            var read = await follower.ReadAsync(buffer);
            if (read == 0)
            {
                await Task.Delay(20);
                continue;
            }

            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        var lines = seen.ToString().Split('\n').Where(l => l.Length > 0).ToList();
        lines[^1].ShouldEndWith(" out second-done");
        lines.ShouldAllBe(l => OutputLine().IsMatch(l), "whole lines, nothing else read twice or garbled");
        lines[..^1].Select(l => int.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture)).ShouldBe(Enumerable.Range(150001, 40000));
        var secondNote = (await ReadFirstLineAsync(spec.LogFile!))!;
        Dropped(secondNote).ShouldBeGreaterThan(Dropped(firstNote), "the cap was crossed again while the reader followed");
    }

    /// <summary>The log's first line once its kept output holds <paramref name="text"/>.</summary>
    private static async Task<string> FirstLineOnceItContainsAsync(string path, string text, FileStream reader)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            reader.Seek(-Math.Min(reader.Length, 4096), SeekOrigin.End);
            var tail = new byte[4096];
            var read = await reader.ReadAsync(tail);
            if (Encoding.UTF8.GetString(tail, 0, read).Contains(text, StringComparison.Ordinal))
            {
                return (await ReadFirstLineAsync(path))!;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"'{text}' did not reach {path}");
    }

    private static async Task<string?> ReadFirstLineAsync(string path)
    {
        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return await reader.ReadLineAsync();
    }

    private static long Dropped(string note)
    {
        var match = CapNote().Match(note);
        match.Success.ShouldBeTrue(note);
        return long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z --- this log is capped at \d+ MB: the first (\d+) bytes \(the oldest output\) were dropped; the latest output follows$")]
    private static partial Regex CapNote();

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z out [0-9a-z-]+$")]
    private static partial Regex OutputLine();
}
