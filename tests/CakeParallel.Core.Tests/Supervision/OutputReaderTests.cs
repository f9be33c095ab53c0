using System.Collections.Concurrent;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Supervision;

/// <summary>
/// Both ways output is read (non-blocking reads when the readiness loop finds a pipe readable, for legs; a thread of
/// their own for both streams, for services) hand out the same lines for the same bytes: bounded, split between
/// characters, CRLF trimmed, invalid UTF-8 replaced.
/// </summary>
public sealed class OutputReaderTests
{
    public static TheoryData<bool> Readers => new() { false, true };

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task Long_lines_are_split_at_the_limit_between_characters_and_short_lines_pass_whole(bool ownThreads)
    {
        // 100 three-byte characters (300 bytes) with a 64-byte limit; then a line of exactly the limit, whose newline
        // ends it (no empty line after it); then CRLF and invalid UTF-8; then a last line without a newline.
        var lines = await LinesOf(
            "for i in $(seq 100); do printf '\\342\\202\\254'; done; echo; head -c 64 /dev/zero | tr '\\0' y; echo; printf 'crlf\\r\\n\\377 bad\\nlast'",
            ownThreads,
            maxLineBytes: 64);

        var euros = lines.TakeWhile(l => l.All(c => c == '€')).ToList();
        string.Concat(euros).ShouldBe(new string('€', 100));
        euros.ShouldAllBe(l => l.Length * 3 <= 64);
        lines.Skip(euros.Count).ShouldBe([new string('y', 64), "crlf", "\uFFFD bad", "last"]);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task Every_line_of_a_chatty_writer_arrives_once_and_in_order(bool ownThreads)
    {
        var lines = await LinesOf("seq 200000", ownThreads, maxLineBytes: 64 * 1024);

        lines.Count.ShouldBe(200000);
        lines.Select(int.Parse).ShouldBe(Enumerable.Range(1, 200000));
    }

    [Fact]
    public async Task A_10_MB_line_read_on_its_own_thread_is_split_into_bounded_pieces()
    {
        var lines = await LinesOf("head -c 10485760 /dev/zero | tr '\\0' 'x'; echo; echo after", ownThreads: true, maxLineBytes: 64 * 1024);

        lines.Sum(l => l.Length).ShouldBe(10485760 + "after".Length);
        lines.ShouldAllBe(l => l.Length <= 64 * 1024);
        lines.Count.ShouldBe(160 + 1);
        lines[^1].ShouldBe("after");
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task Lines_handed_out_as_utf8_are_valid_and_masked_and_the_same_as_decoded_lines(bool ownThreads)
    {
        const string script = "echo plain; printf '\\377 bad\\n'; echo pw=hunter2; printf 'crlf\\r\\n'";

        var clear = await Utf8LinesOf(script, ownThreads, []);
        var masked = await Utf8LinesOf(script, ownThreads, ["hunter2"]);

        clear.ShouldAllBe(l => System.Text.Unicode.Utf8.IsValid(l));
        clear.Select(l => System.Text.Encoding.UTF8.GetString(l)).ShouldBe(["plain", "\uFFFD bad", "pw=hunter2", "crlf"]);
        masked.Select(l => System.Text.Encoding.UTF8.GetString(l)).ShouldBe(["plain", "\uFFFD bad", "pw=***", "crlf"]);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public async Task Lines_handed_out_in_blocks_are_the_lines_handed_out_one_by_one(bool ownThreads)
    {
        // Long lines split between characters, a line of exactly the limit, CRLF, invalid UTF-8, a last line without
        // a newline, and a chatty writer: every read hands out as many lines as it completed.
        const string script = "for i in $(seq 100); do printf '\\342\\202\\254'; done; echo; head -c 64 /dev/zero | tr '\\0' y; echo; "
            + "printf 'crlf\\r\\n\\377 bad\\n'; seq 50000; printf 'last'";

        var oneByOne = await LinesOf(script, ownThreads, maxLineBytes: 64);
        var inBlocks = await Utf8LinesOf(script, ownThreads, [], maxLineBytes: 64);

        inBlocks.Select(l => System.Text.Encoding.UTF8.GetString(l)).ShouldBe(oneByOne);
        oneByOne.Count.ShouldBe(5 + 1 + 2 + 50000 + 1);
    }

    [Fact]
    public async Task The_last_lines_with_text_are_kept_after_more_blank_lines_than_the_tail_holds()
    {
        var (stdout, stdoutTail) = await LastLinesOf("echo first; echo later; for i in $(seq 30); do echo; done");
        var (stderr, _) = await LastLinesOf("echo boom >&2; for i in $(seq 30); do echo >&2; done; echo out");

        // The same with the blank lines read apart from the line with text (a block of its own).
        var (stdoutApart, stdoutApartTail) = await LastLinesOf("echo first; echo later; sleep 0.3; for i in $(seq 30); do echo; done");
        var (stderrApart, _) = await LastLinesOf("echo boom >&2; sleep 0.3; for i in $(seq 30); do echo >&2; done; echo out");

        stdout.ShouldBe("later");
        stdoutTail.ShouldBe(["", "", "", "", ""]);
        stderr.ShouldBe("boom");
        stdoutApart.ShouldBe("later");
        stdoutApartTail.ShouldBe(["", "", "", "", ""]);
        stderrApart.ShouldBe("boom");
    }

    private static async Task<(string? LastLine, IReadOnlyList<string> Tail)> LastLinesOf(string script)
    {
        var command = new ProcessCommand("/bin/sh", ["-c", script]) { TailLines = 5, ReadOutputOnOwnThreads = true };
        using var process = SupervisedProcess.StartUtf8(command, (_, _) => { });
        var exit = await process.Exited;
        return (exit.LastLine, exit.Tail);
    }

    private static async Task<List<byte[]>> Utf8LinesOf(string script, bool ownThreads, IReadOnlyList<string> secrets, int maxLineBytes = 64 * 1024)
    {
        var lines = new ConcurrentQueue<byte[]>();
        var command = new ProcessCommand("/bin/sh", ["-c", script]) { ReadOutputOnOwnThreads = ownThreads, SecretValues = secrets, MaxLineBytes = maxLineBytes };
        using var process = SupervisedProcess.StartUtf8(command, (stream, block) =>
        {
            block[^1].ShouldBe((byte)'\n', "a block ends with a whole line");
            if (stream == OutputStream.Stdout)
            {
                foreach (var line in SplitBlock(block))
                {
                    lines.Enqueue(line);
                }
            }
        });

        var exit = await process.Exited;
        exit.ExitCode.ShouldBe(0);
        exit.OutputAbandoned.ShouldBeFalse();
        return [.. lines];
    }

    /// <summary>The lines of a block as a reader of blocks takes them: up to each newline, without a carriage return before it.</summary>
    private static List<byte[]> SplitBlock(ReadOnlySpan<byte> block)
    {
        var lines = new List<byte[]>();
        while (!block.IsEmpty)
        {
            var end = block.IndexOf((byte)'\n');
            var line = block[..end];
            lines.Add((line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line).ToArray());
            block = block[(end + 1)..];
        }

        return lines;
    }

    private static async Task<List<string>> LinesOf(string script, bool ownThreads, int maxLineBytes)
    {
        var lines = new ConcurrentQueue<string>();
        var command = new ProcessCommand("/bin/sh", ["-c", script]) { MaxLineBytes = maxLineBytes, ReadOutputOnOwnThreads = ownThreads };
        using var process = SupervisedProcess.Start(command, (stream, line) =>
        {
            if (stream == OutputStream.Stdout)
            {
                lines.Enqueue(new string(line));
            }
        });

        var exit = await process.Exited;
        exit.ExitCode.ShouldBe(0);
        exit.OutputAbandoned.ShouldBeFalse();
        return [.. lines];
    }
}
