using CakeParallel.MSBuild.Tests.Docker;
using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild.Tests;

/// <summary>
/// Include and Exclude items match Axes as GitHub Actions matches a workflow's include/exclude: GitHub turns each
/// entry into <c>matrix[key] == value</c>, and its <c>==</c> "ignores case when comparing strings" and compares
/// numbers by value; context keys ignore case too. Item metadata is text: text spelled as a number is a number.
/// </summary>
public sealed class MatrixItemsMatchingTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void An_empty_include_item_is_an_error_as_on_GitHub()
    {
        // GitHub: "Matrix include mapping does not contain any values".
        var task = new DockerBuildMatrix
        {
            BuildEngine = _engine,
            Axes = [new TaskItem("os").With("Values", "linux")],
            Include = [new TaskItem("nothing")],
            Context = _temp.Path,
        };

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0201");
        error.Message!.ShouldContain("does not contain any values");
    }

    [DockerFact]
    public void Include_and_exclude_items_match_values_ignoring_case_and_numbers_by_value()
    {
        using var docker = new DockerTestEnvironment();
        File.WriteAllText(_temp.Combine("Dockerfile"), $"FROM {DockerTestEnvironment.BaseImage}\nARG os\nARG version\nARG shell\nLABEL test={docker.Repository}\n");
        var task = new DockerBuildMatrix
        {
            BuildEngine = _engine,
            Axes = [new TaskItem("os").With("Values", "ubuntu-latest;windows-latest"), new TaskItem("version").With("Values", "12;14")],
            // GitHub: 'Windows-Latest' == 'windows-latest' and '14.0' == 14 remove windows-latest/14.
            Exclude = [new TaskItem("windows-14").With("OS", "Windows-Latest").With("version", "14.0")],
            // GitHub: matrix['OS'] is matrix.os, 'UBUNTU-LATEST' == 'ubuntu-latest', 12.0 == 12: merges, adds no leg.
            Include = [new TaskItem("bash").With("OS", "UBUNTU-LATEST").With("Version", "12.0").With("shell", "bash")],
            Context = _temp.Path,
            Tags = [docker.Repository + ":{os}-{version}"],
            MaxParallel = 2,
            LogDirectory = _temp.Combine("logs"),
        };

        var (result, _) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue(string.Join(Environment.NewLine, _engine.Errors.Select(e => e.Message)));
        task.Results.Select(r => r.ItemSpec).ShouldBe(["ubuntu-latest-12-bash", "ubuntu-latest-14", "windows-latest-12"]);
        task.Results[0].GetMetadata("Parameters").ShouldBe("os=ubuntu-latest;version=12;shell=bash");
    }
}
