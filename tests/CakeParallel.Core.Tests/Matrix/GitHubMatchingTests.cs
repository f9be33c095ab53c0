using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Matrix;

/// <summary>
/// Include/exclude matching as GitHub Actions does it. GitHub's MatrixBuilder turns every key/value of an include or
/// exclude entry into an expression <c>matrix[key] == value</c> (nested objects into <c>matrix[key][sub] == value</c>),
/// and its expression docs say of <c>==</c>: "GitHub ignores case when comparing strings", "If the types do not match,
/// GitHub coerces the type to a number" (a string is "parsed from any legal JSON number format, otherwise NaN";
/// an empty string is 0; true is 1), and "NaN is not equal to NaN". Context keys (<c>matrix.OS</c>) ignore case too.
/// </summary>
public sealed class GitHubMatchingTests
{
    private static Dictionary<string, MatrixValue> P(params (string Key, MatrixValue Value)[] pairs) => pairs.ToDictionary(p => p.Key, p => p.Value);

    private static string Show(IReadOnlyDictionary<string, string> leg) => string.Join(", ", leg.Select(p => $"{p.Key}: {p.Value}"));

    private static MatrixValue S(string text) => MatrixValue.String(text);

    private static MatrixValue N(string spelling) => MatrixValue.Number(spelling);

    private static MatrixValue O(params (string Key, MatrixValue Value)[] pairs) => MatrixValue.Object(pairs.Select(p => KeyValuePair.Create(p.Key, p.Value)));

    [Fact]
    public void ExcludeMatchesStringsIgnoringCase()
    {
        // GitHub: exclude [{os: Windows-Latest}] removes the windows-latest legs ('Windows-Latest' == 'windows-latest').
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("os", [S("ubuntu-latest"), S("windows-latest")])],
            Exclude = [P(("os", S("Windows-Latest")))],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["os: ubuntu-latest"]);
    }

    [Fact]
    public void IncludeMergesIntoLegsWhoseStringsDifferOnlyInCaseAndTheLegKeepsTheAxisSpelling()
    {
        // GitHub: include {os: UBUNTU-LATEST, shell: bash} merges into the ubuntu-latest legs instead of adding a leg.
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("os", [S("ubuntu-latest"), S("windows-latest")])],
            Include = [P(("os", S("UBUNTU-LATEST")), ("shell", S("bash")))],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["os: ubuntu-latest, shell: bash", "os: windows-latest"]);
    }

    [Fact]
    public void KeysNameAxesIgnoringCaseAndLegsUseTheAxisSpelling()
    {
        // GitHub: include {OS: linux, cc: gcc} with an axis os merges into the os=linux leg (matrix['OS'] finds 'os');
        // an exclude's OS names the axis os; an include that merges nowhere is a new leg.
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("os", ["linux", "mac", "bsd"])],
            Exclude = [P(("OS", "BSD"))],
            Include = [P(("OS", "linux"), ("cc", "gcc")), P(("Os", "linux"), ("CC", "clang")), P(("OS", "windows"), ("cc", "msvc"))],
        };

        // A later include's CC overwrites the added cc, which keeps its first spelling (keys are one key regardless of case).
        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["os: linux, cc: clang", "os: mac", "os: windows, cc: msvc"]);
    }

    [Fact]
    public void NumbersMatchByValueButLegsKeepTheSpelling()
    {
        // GitHub: include {version: 12.0, flag: x} merges into the version 12 leg (12 == 12.0). GitHub would also
        // turn 3.10 into 3.1 in the leg; here legs keep the spelling.
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("version", [N("12"), N("14"), N("3.10")])],
            Include = [P(("version", N("12.0")), ("flag", "x")), P(("version", N("3.1")), ("flag", "y"))],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["version: 12, flag: x", "version: 14", "version: 3.10, flag: y"]);
    }

    [Fact]
    public void AStringMeetingANumberIsConvertedButTwoStringsCompareAsText()
    {
        // GitHub: '12' == 12.0 is true (the string is parsed as a number); '12' == '12.0' is false (both strings).
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("version", [S("12"), S("14")])],
            Include = [P(("version", N("12.0")), ("flag", "number")), P(("version", S("14.0")), ("flag", "string"))],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["version: 12, flag: number", "version: 14", "version: 14.0, flag: string"]);
    }

    [Fact]
    public void TextFromCakeOrMsbuildThatIsSpelledAsANumberIsANumber()
    {
        // Cake settings and MSBuild items only have text; like YAML's unquoted 12, text spelled as a number is a number.
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("version", ["12", "14"])],
            Exclude = [new Dictionary<string, MatrixValue> { ["version"] = "14.0" }],
            Include = [new Dictionary<string, MatrixValue> { ["version"] = "12.00", ["flag"] = "x" }],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["version: 12, flag: x"]);
    }

    [Theory]
    // Same kind: strings ignore case, numbers by value, booleans by value.
    [InlineData("s:Linux", "s:LINUX", true)]
    [InlineData("s:linux", "s:linux ", false)]
    [InlineData("n:1e1", "n:10", true)]
    [InlineData("b:true", "b:true", true)]
    // A string meeting a number becomes Number(string): trimmed, blank is 0, 0x hex, anything else NaN.
    [InlineData("s: 12 ", "n:12", true)]
    [InlineData("s:", "n:0", true)]
    [InlineData("s:0x0C", "n:12", true)]
    [InlineData("s:0o14", "n:12", true)]
    [InlineData("s:twelve", "n:12", false)]
    [InlineData("s:NaN", "s:NaN", true)]
    // A boolean meeting anything else becomes 1 or 0; 'true' as text is NaN as a number.
    [InlineData("b:true", "n:1", true)]
    [InlineData("b:false", "s:0", true)]
    [InlineData("b:true", "s:true", false)]
    public void ScalarsMatchAsGitHubsEqualityOperatorCompares(string left, string right, bool expected)
    {
        static MatrixValue Read(string v) => v[0] switch
        {
            's' => MatrixValue.String(v[2..]),
            'n' => MatrixValue.Number(v[2..]),
            _ => MatrixValue.Boolean(v[2..] == "true"),
        };

        Read(left).Matches(Read(right)).ShouldBe(expected);
        Read(right).Matches(Read(left)).ShouldBe(expected);
    }

    [Fact]
    public void EmptyIncludeAndExcludeEntriesAreErrors()
    {
        // GitHub: "Matrix include mapping does not contain any values" and "Matrix exclude filter must not be empty".
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("os", ["linux"])],
            Include = [P()],
            Exclude = [P()],
        };

        var error = Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix));

        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(["CPAR0201 Exclude[0]", "CPAR0201 Include[0]"]);
    }

    [Fact]
    public void AnExcludeKeyThatIsNoAxisNamesTheNearestAxis()
    {
        // GitHub: "Matrix exclude key 'nod' does not match any key within the matrix".
        var matrix = new MatrixDefinition { Axes = [new MatrixAxis("node", ["20"])], Exclude = [P(("nod", "20"))] };

        Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix)).Errors.Single().Message
            .ShouldBe("'nod' is not an axis of the matrix; exclude can only name axes (did you mean 'node'?).");
    }

    [Fact]
    public void ObjectValuedAxisEntriesGiveOneParameterPerPathAndMatchByTheKeysAnEntryNames()
    {
        // GitHub: node: [{version: 14}, {version: 20, env: ...}] is matrix.node.version; include {node: {version: 20}}
        // becomes matrix['node']['version'] == 20, so it merges into the leg whose node has version 20.
        var matrix = new MatrixDefinition
        {
            Axes =
            [
                new MatrixAxis("node", [O(("version", N("14"))), O(("version", N("20")), ("env", S("NODE_OPTIONS=--max-old-space-size=4096")))]),
                new MatrixAxis("os", ["alpine", "debian"]),
            ],
            Exclude = [P(("NODE", O(("VERSION", N("14.0")))), ("os", "debian"))],
            Include = [P(("node", O(("version", S("20")))), ("lts", MatrixValue.Boolean(true)))],
        };

        var legs = MatrixExpansion.Expand(matrix);

        legs.Select(Show).ShouldBe(
        [
            "node.version: 14, os: alpine",
            "node.version: 20, node.env: NODE_OPTIONS=--max-old-space-size=4096, os: alpine, lts: true",
            "node.version: 20, node.env: NODE_OPTIONS=--max-old-space-size=4096, os: debian, lts: true",
        ]);
        legs.Select(LegId.FromParameters).Distinct().Count().ShouldBe(3);
    }

    [Fact]
    public void AnObjectPathThatClashesWithAnotherKeyIsAnError()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("node", [O(("version", N("20")))]), new MatrixAxis("node.version", ["22"])],
        };

        Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix)).Errors.Single().Field.ShouldBe("node.version");
    }

    [Fact]
    public void PlainMatricesKeepTheirLegIds()
    {
        // Pinned before object values and GitHub matching existed: a plain leg's id must never change.
        var legs = MatrixExpansion.Expand(new MatrixDefinition { Axes = [new MatrixAxis("node", ["20"]), new MatrixAxis("os", ["alpine"])] });

        LegId.FromParameters(legs.Single()).ShouldBe("17147ebc3a49");
    }
}
