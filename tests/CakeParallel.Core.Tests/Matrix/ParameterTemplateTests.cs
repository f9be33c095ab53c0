using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Matrix;

public sealed class ParameterTemplateTests
{
    private static readonly Dictionary<string, string> Leg = new() { ["node"] = "20", ["os"] = "{alpine}" };

    [Theory]
    [InlineData("app:{node}-{os}", "app:20-{alpine}")]
    [InlineData("{{literal}} {node}", "{literal} 20")]
    [InlineData("plain", "plain")]
    [InlineData("{ node }", "20")]
    public void RendersPlaceholdersLiterally(string text, string expected)
    {
        ParameterTemplate.TryParse(text, out var template, out _).ShouldBeTrue();

        template.Render(Leg).ShouldBe(expected);
    }

    [Theory]
    [InlineData("app:{node")]
    [InlineData("app:node}")]
    [InlineData("app:{}")]
    [InlineData("{a{b}")]
    public void RejectsUnbalancedBracesAndEmptyPlaceholders(string text)
    {
        ParameterTemplate.TryParse(text, out _, out var error).ShouldBeFalse();

        error.ShouldNotBeNullOrWhiteSpace();
    }

    [Fact]
    public void ListsUnknownPlaceholdersOnce()
    {
        ParameterTemplate.TryParse("{node}-{arch}-{arch}-{distro}", out var template, out _).ShouldBeTrue();

        template.UnknownPlaceholders(Leg).ShouldBe(["arch", "distro"]);
    }

    [Fact]
    public void DefaultNamesJoinValuesAndStayUnique()
    {
        IReadOnlyDictionary<string, string>[] legs =
        [
            new Dictionary<string, string> { ["a"] = "x-y", ["b"] = "z" },
            new Dictionary<string, string> { ["a"] = "x", ["b"] = "y-z" },
            new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" },
        ];

        var names = MatrixLegNames.For(legs, null);

        names[2].ShouldBe("1-2");
        names[0].ShouldBe("x-y-z-" + LegId.FromParameters(legs[0]));
        names[1].ShouldBe("x-y-z-" + LegId.FromParameters(legs[1]));
    }
}
