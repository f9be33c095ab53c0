using System.Diagnostics;
using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Tests.Faults;

/// <summary>A matrix that would expand to too many legs is refused by arithmetic, before any leg is made.</summary>
public sealed class MatrixSizeTests
{
    private static MatrixAxis Axis(string name, int size) => new(name, Enumerable.Range(0, size).Select(i => name + i));

    [Fact]
    public void Three_axes_of_1000_values_fail_fast_with_the_code_naming_the_axes_and_sizes()
    {
        var matrix = new MatrixDefinition { Axes = [Axis("os", 1000), Axis("node", 1000), Axis("arch", 1000)] };
        var clock = Stopwatch.StartNew();

        var failure = Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix));

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(1));
        var error = failure.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe(ErrorCodes.MatrixTooLarge);
        error.Message.ShouldContain("1000000000 legs (os (1000) × node (1000) × arch (1000))");
        error.Message.ShouldContain("MaxLegs (10000)");
    }

    [Fact]
    public void A_product_beyond_a_long_saturates_instead_of_overflowing()
    {
        var matrix = new MatrixDefinition { Axes = Enumerable.Range(0, 8).Select(i => Axis("a" + i, 1000)).ToArray() };

        var failure = Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix));

        failure.Errors.ShouldHaveSingleItem().Message.ShouldContain("more than 9.2e18 legs");
    }

    [Fact]
    public void Ten_thousand_legs_pass_and_a_lower_cap_counts_includes()
    {
        var matrix = new MatrixDefinition { Axes = [Axis("x", 100), Axis("y", 100)] };
        MatrixExpansion.Expand(matrix).Count.ShouldBe(10_000);

        var withInclude = matrix with { Include = [new Dictionary<string, MatrixValue> { ["x"] = "not-a-value-of-x" }] };
        Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(withInclude)).Errors[0].Message.ShouldContain("+ 1 includes");
        MatrixExpansion.Expand(withInclude, maxLegs: 10_001).Count.ShouldBe(10_001);
    }

    [Fact]
    public void Excludes_that_bring_a_product_under_the_cap_are_counted()
    {
        var matrix = new MatrixDefinition
        {
            Axes = [Axis("x", 101), Axis("y", 100)],
            Exclude = [new Dictionary<string, MatrixValue> { ["x"] = "x0" }],
        };

        MatrixExpansion.Expand(matrix).Count.ShouldBe(10_000);
        Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(matrix, maxLegs: 9_999)).Errors[0].Message.ShouldContain("10000 legs");
    }

    [Fact]
    public void A_matrix_file_sets_its_own_cap_with_maxLegs_and_planning_reports_it_as_a_coded_error()
    {
        using var directory = new TempDirectory("cpar-maxlegs");
        var file = directory.Combine("matrix.json");
        File.WriteAllText(file, """{ "matrix": { "v": ["1", "2", "3"] }, "build": { "tags": ["x:{v}"], "maxLegs": 2 } }""");
        Directory.CreateDirectory(directory.Combine("ctx"));

        var matrix = DockerMatrixFile.Load(file);
        matrix.MaxLegs.ShouldBe(2);

        var failure = Should.Throw<InvalidRunException>(() => DockerMatrixPlanner.Plan(matrix, directory.Path));
        failure.Errors.ShouldContain(e => e.Code == ErrorCodes.MatrixTooLarge && e.Message.Contains("3 legs (v (3))", StringComparison.Ordinal));
    }
}
