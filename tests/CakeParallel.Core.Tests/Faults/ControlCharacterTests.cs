using CakeParallel.Model;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Faults;

/// <summary>A leg's output cannot drive a terminal or a CI log through the texts people read.</summary>
public sealed class ControlCharacterTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Esc_and_nul_printed_before_failing_are_escaped_in_reason_tail_and_summary_texts()
    {
        var legs = new[] { LegSpec.Shell("hostile", "printf 'set \\033[31mred\\000nul\\033]0;title\\007 lone\\033 done\\n' >&2; exit 3") };

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options());

        var leg = result.Legs[0];
        leg.Status.ShouldBe(LegStatus.Failed);
        // Colour and title sequences are dropped; NUL and the lone ESC are shown escaped.
        leg.FailureReason.ShouldBe("Exited with code 3: set red\\x00nul lone\\x1b done");
        leg.OutputTail.ShouldBe(["set red\\x00nul lone\\x1b done"]);
        var texts = new[] { LegText.Completion(leg), LegText.Reason(leg) }.Concat(CiAnnotations.Lines(result, CiAnnotationMode.GitHubActions));
        texts.ShouldAllBe(t => !t.Any(c => c < ' ' && c != '\t' && c != '\n'));
        File.ReadAllText(leg.LogFile!).ShouldContain("\u001b[31mred\0nul", Case.Sensitive, "the log keeps the bytes as written");
    }

    [Fact]
    public void Escape_keeps_tab_and_ordinary_text_and_escapes_c1_and_del()
    {
        ControlCharacters.Escape("a\tb ü").ShouldBe("a\tb ü");
        ControlCharacters.Escape("\u009b2J\u007f\r\n").ShouldBe("\\x9b2J\\x7f\\r\\n");
    }
}
