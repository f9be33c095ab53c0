using System.Text;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Faults;

/// <summary>Leg names a file system cannot take as they are still get a log, and naming never costs a slot.</summary>
public sealed class LogNamingTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_name_of_120_cjk_characters_and_an_emoji_name_get_logs_within_the_byte_limit_with_one_slot()
    {
        var cjk = new string('漢', 120);
        var emoji = string.Concat(Enumerable.Repeat("🚀", 80)) + " build";
        var legs = new[] { LegSpec.Shell(cjk, "echo one"), LegSpec.Shell(emoji, "echo two"), LegSpec.Shell("plain", "echo three") };

        var result = await ParallelRunner.RunAsync(legs, _scratch.Options(maxParallel: 1)).WaitAsync(TimeSpan.FromSeconds(60));

        foreach (var leg in result.Legs)
        {
            leg.Status.ShouldBe(LegStatus.Succeeded, leg.FailureReason);
            leg.Remarks.ShouldBeEmpty();
            File.Exists(leg.LogFile).ShouldBeTrue();
            Encoding.UTF8.GetByteCount(Path.GetFileName(leg.LogFile!)).ShouldBeLessThanOrEqualTo(255);
        }

        Path.GetFileName(result.Legs[0].LogFile!).ShouldBe(new string('漢', 40) + ".log", "120 bytes of whole characters");
    }
}
