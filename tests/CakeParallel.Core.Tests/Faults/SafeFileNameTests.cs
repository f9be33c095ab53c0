using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Tests.Faults;

public sealed class SafeFileNameTests
{
    [Fact]
    public void A_long_multibyte_name_fits_the_byte_budget_and_the_file_can_be_created()
    {
        var name = new string('漢', 120); // 360 bytes in UTF-8: more than a file system's 255

        var safe = SafeFileName.From(name);

        Encoding.UTF8.GetByteCount(safe).ShouldBeLessThanOrEqualTo(SafeFileName.DefaultMaxBytes);
        safe.ShouldBe(new string('漢', 40));
        using var directory = new TempDirectory("cpar-names");
        File.WriteAllText(directory.Combine(safe + "-0123456789ab.log"), "ok");
    }

    [Fact]
    public void An_emoji_is_never_cut_inside_its_surrogate_pair()
    {
        var name = string.Concat(Enumerable.Repeat("🚀", 40)); // 4 bytes each

        var safe = SafeFileName.From(name, 10);

        safe.ShouldBe("🚀🚀");
        safe.ShouldNotContain('\uFFFD');
        char.IsHighSurrogate(safe[^1]).ShouldBeFalse();
    }

    [Theory]
    [InlineData("a/b\\c:d", "a_b_c_d")]
    [InlineData("tab\there\nnl", "tab_here_nl")]
    [InlineData("esc\u001b[31m", "esc_[31m")]
    [InlineData("nul\0x", "nul_x")]
    [InlineData(".", "_.")]
    [InlineData("..", "_..")]
    [InlineData("", "_")]
    public void Characters_a_file_name_cannot_hold_become_underscores(string name, string expected)
    {
        SafeFileName.From(name).ShouldBe(expected);
    }

    [Fact]
    public void A_lone_surrogate_becomes_an_underscore()
    {
        SafeFileName.From("lone\uD800surrogate").ShouldBe("lone_surrogate");
    }
}
