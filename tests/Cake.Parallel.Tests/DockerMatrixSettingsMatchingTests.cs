using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;
using CakeParallel.Matrix;

namespace Cake.Parallel.Tests;

/// <summary>
/// WithInclude/WithExclude entries match axes as GitHub Actions matches a workflow's include/exclude: GitHub turns
/// each entry into <c>matrix[key] == value</c>, and its <c>==</c> "ignores case when comparing strings" and compares
/// numbers by value; context keys ignore case too. Settings values are text: text spelled as a number is a number.
/// </summary>
public sealed class DockerMatrixSettingsMatchingTests
{
    private readonly TestCakeContext _context = new("/work/cake-root");

    [Fact]
    public void Include_and_exclude_entries_match_values_ignoring_case_and_numbers_by_value()
    {
        var settings = new DockerMatrixSettings()
            .WithAxis("os", "ubuntu-latest", "windows-latest")
            .WithAxis("version", "12", "14")
            // GitHub: 'Windows-Latest' == 'windows-latest' and '14.0' == 14 remove windows-latest/14.
            .WithExclude(new Dictionary<string, string> { ["OS"] = "Windows-Latest", ["version"] = "14.0" })
            // GitHub: matrix['OS'] is matrix.os, 'UBUNTU-LATEST' == 'ubuntu-latest', 12.0 == 12: merges, adds no leg.
            .WithInclude(new Dictionary<string, string> { ["OS"] = "UBUNTU-LATEST", ["Version"] = "12.0", ["shell"] = "bash" })
            // Merges nowhere, so it is a leg of its own; its key is spelled as the axis declares it.
            .WithInclude(new Dictionary<string, string> { ["OS"] = "macos-latest", ["version"] = "14" });

        var legs = MatrixExpansion.Expand(settings.ToDockerMatrix(_context.Environment, "docker").Matrix);

        legs.Select(l => string.Join(",", l.Select(p => $"{p.Key}={p.Value}"))).ShouldBe(
        [
            "os=ubuntu-latest,version=12,shell=bash",
            "os=ubuntu-latest,version=14",
            "os=windows-latest,version=12",
            "os=macos-latest,version=14",
        ]);
    }

    [Fact]
    public void An_empty_include_or_exclude_entry_is_an_error_as_on_GitHub()
    {
        // GitHub: "Matrix include mapping does not contain any values", "Matrix exclude filter must not be empty".
        var settings = new DockerMatrixSettings()
            .WithAxis("os", "linux")
            .WithInclude(new Dictionary<string, string>())
            .WithExclude(new Dictionary<string, string>());

        var error = Should.Throw<InvalidRunException>(() => MatrixExpansion.Expand(settings.ToDockerMatrix(_context.Environment, "docker").Matrix));

        error.Errors.Select(e => $"{e.Code} {e.Field}").ShouldBe(["CPAR0201 Exclude[0]", "CPAR0201 Include[0]"]);
    }
}
