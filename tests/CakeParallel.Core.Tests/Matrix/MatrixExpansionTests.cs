using System.Diagnostics;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Matrix;

public sealed class MatrixExpansionTests
{
    private static Dictionary<string, MatrixValue> P(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => MatrixValue.FromText(p[1]));

    private static Dictionary<string, string> Leg(params string[] pairs) =>
        pairs.Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

    private static string Show(IReadOnlyDictionary<string, string> leg) => string.Join(", ", leg.Select(p => $"{p.Key}: {p.Value}"));

    [Fact]
    public void GitHubActionsDocumentationExampleExpandsExactly()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("fruit", ["apple", "pear"]), new MatrixAxis("animal", ["cat", "dog"])],
            Include =
            [
                P("color=green"),
                P("color=pink", "animal=cat"),
                P("fruit=apple", "shape=circle"),
                P("fruit=banana"),
                P("fruit=banana", "animal=cat"),
            ],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(
        [
            "fruit: apple, animal: cat, color: pink, shape: circle",
            "fruit: apple, animal: dog, color: green, shape: circle",
            "fruit: pear, animal: cat, color: pink",
            "fruit: pear, animal: dog, color: green",
            "fruit: banana",
            "fruit: banana, animal: cat",
        ]);
    }

    [Fact]
    public void ProductVariesTheFirstAxisSlowest()
    {
        var matrix = new MatrixDefinition { Axes = [new MatrixAxis("a", ["1", "2"]), new MatrixAxis("b", ["x", "y", "z"])] };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["a: 1, b: x", "a: 1, b: y", "a: 1, b: z", "a: 2, b: x", "a: 2, b: y", "a: 2, b: z"]);
    }

    [Fact]
    public void ExcludeMatchesPartiallyAndRunsBeforeInclude()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("os", ["linux", "windows"]), new MatrixAxis("node", ["18", "20"])],
            Exclude = [P("os=windows")],
            // Would merge into the windows legs if exclusion came after inclusion; instead it becomes a leg of its own.
            Include = [P("os=windows", "node=20", "experimental=true")],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["os: linux, node: 18", "os: linux, node: 20", "os: windows, node: 20, experimental: true"]);
    }

    [Fact]
    public void IncludeMayOverwriteAddedValuesButNeverOriginalAxisValues()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("node", ["18", "20"])],
            Include = [P("tag=old"), P("node=20", "tag=new"), P("node=22", "tag=next")],
        };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["node: 18, tag: old", "node: 20, tag: new", "node: 22, tag: next"]);
    }

    [Fact]
    public void MatrixOfOnlyIncludesIsTheIncludeList()
    {
        var matrix = new MatrixDefinition { Include = [P("os=alpine", "node=20"), P("os=debian")] };

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["os: alpine, node: 20", "os: debian"]);
    }

    [Fact]
    public void ExplicitLegsAreKeptInOrder()
    {
        var matrix = MatrixDefinition.FromLegs([Leg("b=2", "a=1"), Leg("a=3")]);

        MatrixExpansion.Expand(matrix).Select(Show).ShouldBe(["b: 2, a: 1", "a: 3"]);
    }

    [Fact]
    public void ExcludingEverythingLeavesNoLegs()
    {
        var matrix = new MatrixDefinition { Axes = [new MatrixAxis("a", ["1"])], Exclude = [P("a=1")] };

        MatrixExpansion.Expand(matrix).ShouldBeEmpty();
    }

    [Fact]
    public void MalformedMatrixReportsEveryProblem()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [new MatrixAxis("a", Array.Empty<MatrixValue>()), new MatrixAxis("A", ["1", "1"])],
            Exclude = [P("nope=1")],
            Legs = [Leg("a=1")],
        };

        var error = Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix));

        error.Errors.Select(e => e.Field).ShouldBe(["Legs", "Axes[0].Values", "Axes[1].Name", "Axes[1].Values", "Exclude[0].nope"]);
        error.Errors.ShouldAllBe(e => e.Code == ErrorCodes.MatrixInvalid);
    }

    [Fact]
    public void TenThousandLegsExpandWithStableDistinctIds()
    {
        var values = Enumerable.Range(0, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var matrix = new MatrixDefinition
        {
            Axes = new[] { "a", "b", "c", "d" }.Select(n => new MatrixAxis(n, values)).ToArray(),
            Exclude = [P("a=0", "b=0")],
            Include = [P("a=1", "extra=yes"), P("a=11")],
        };

        var clock = Stopwatch.StartNew();
        var legs = MatrixExpansion.Expand(matrix);
        var ids = legs.Select(LegId.FromParameters).ToHashSet();
        clock.Stop();

        legs.Count.ShouldBe(10_000 - 100 + 1);
        ids.Count.ShouldBe(legs.Count);
        legs.Count(l => l.ContainsKey("extra")).ShouldBe(1000);
        // A sanity bound only; the speed target is measured by the benchmarks.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void LegIdDependsOnParametersNotOnPositionOrKeyOrder()
    {
        var first = MatrixExpansion.Expand(new MatrixDefinition { Axes = [new MatrixAxis("node", ["18", "20"]), new MatrixAxis("os", ["alpine"])] });
        var edited = MatrixExpansion.Expand(new MatrixDefinition { Axes = [new MatrixAxis("os", ["debian", "alpine"]), new MatrixAxis("node", ["16", "20"])] });

        var before = LegId.FromParameters(first.Single(l => l["node"] == "20"));
        var after = LegId.FromParameters(edited.Single(l => l["node"] == "20" && l["os"] == "alpine"));

        after.ShouldBe(before);
        LegId.FromParameters(first[0]).ShouldNotBe(before);
    }
}
