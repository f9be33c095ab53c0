using System.Collections.Concurrent;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Tests.Supervision;

/// <summary>
/// Both ways output is read (asynchronous reads for legs, a thread of its own per stream for services) hand out
/// the same lines for the same bytes: bounded, split between characters, CRLF trimmed, invalid UTF-8 replaced.
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
