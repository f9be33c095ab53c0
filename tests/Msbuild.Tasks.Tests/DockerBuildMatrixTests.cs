using CakeParallel.MSBuild.Tests.Docker;
using CakeParallel.Reports;
using Microsoft.Build.Utilities;
using CakeParallel.Model;

namespace CakeParallel.MSBuild.Tests;

public sealed class DockerBuildMatrixTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RecordingBuildEngine _engine = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Without_a_matrix_file_or_axes_the_task_reports_a_coded_error_and_starts_nothing()
    {
        var task = new DockerBuildMatrix { BuildEngine = _engine, Context = _temp.Path };

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        var error = _engine.Errors.ShouldHaveSingleItem();
        error.Code.ShouldBe("CPAR0201");
        error.Message.ShouldStartWith("parameter MatrixFile: no matrix");
        _engine.YieldCount.ShouldBe(0);
    }

    [Fact]
    public void An_invalid_CiAnnotations_value_is_reported_with_the_matrix_problems()
    {
        var task = new DockerBuildMatrix { BuildEngine = _engine, Context = _temp.Path, CiAnnotations = "GitLab" };

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        _engine.Errors.Select(e => e.Code).ShouldBe(["CPAR0404", "CPAR0201"], ignoreOrder: true);
        _engine.Errors.Single(e => e.Code == "CPAR0404").Message.ShouldStartWith("parameter CiAnnotations: 'GitLab' is not an annotation mode");
        _engine.YieldCount.ShouldBe(0);
    }

    [Fact]
    public void Every_problem_of_a_matrix_file_is_reported_with_its_code_and_json_path()
    {
        File.WriteAllText(_temp.Combine("matrix.json"), """{ "matrix": { "v": ["1"] }, "build": { "tags": [3], "nocache": true } }""");
        var task = new DockerBuildMatrix { BuildEngine = _engine, MatrixFile = _temp.Combine("matrix.json") };

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        var errors = _engine.Errors.Select(e => $"{e.Code} {e.Message}").ToArray();
        errors.ShouldContain(e => e.StartsWith("CPAR0304 parameter $.build.tags[0]:"));
        errors.ShouldContain(e => e.StartsWith("CPAR0303 parameter $.build.nocache:"));
    }

    [DockerFact]
    public void Axes_items_build_one_image_per_leg_with_image_id_tags_and_parameters_as_metadata()
    {
        using var docker = new DockerTestEnvironment();
        File.WriteAllText(_temp.Combine("Dockerfile"), $"FROM {DockerTestEnvironment.BaseImage}\nARG flavour\nRUN echo \"built $flavour\" # {docker.Repository}\n");
        var task = new DockerBuildMatrix
        {
            BuildEngine = _engine,
            Axes = [new TaskItem("flavour").With("Values", "plain;spicy")],
            Include = [new TaskItem("extra").With("flavour", "spicy").With("level", "5%25")],
            Context = _temp.Path,
            Tags = [docker.Repository + ":{flavour}"],
            MaxParallel = 2,
            LogDirectory = _temp.Combine("logs"),
        };

        var (result, executeThread) = TaskRun.Execute(task, _engine);

        result.ShouldBeTrue(string.Join(Environment.NewLine, _engine.Errors.Select(e => e.Message)));
        task.Results.Select(r => r.ItemSpec).ShouldBe(["plain", "spicy-5%"]);
        var spicy = task.Results[1];
        spicy.GetMetadata("Status").ShouldBe("Succeeded");
        spicy.GetMetadata("Tags").ShouldBe(docker.Repository + ":spicy");
        spicy.GetMetadata("ImageId").ShouldBe(DockerTestEnvironment.ImageId(docker.Repository + ":spicy"));
        spicy.GetMetadata("flavour").ShouldBe("spicy");
        spicy.GetMetadata("level").ShouldBe("5%");
        spicy.GetMetadata("Parameters").ShouldBe("flavour=spicy;level=5%");
        _engine.Messages.ShouldContain(m => m.Message!.StartsWith("[spicy-5%] ") && m.Message.Contains("built spicy"));
        _engine.Events.ShouldAllBe(e => e.ThreadId == executeThread && !e.AfterExecuteReturned);
    }

    [DockerFact]
    public void A_matrix_resumed_from_its_report_builds_only_the_failed_leg_again_and_keeps_the_reused_image()
    {
        using var docker = new DockerTestEnvironment();
        var dockerfile = _temp.Combine("Dockerfile");
        File.WriteAllText(dockerfile, $"FROM {DockerTestEnvironment.BaseImage}\nARG flavour\nRUN test \"$flavour\" != spicy # {docker.Repository}\n");
        DockerBuildMatrix Matrix(RecordingBuildEngine engine, string? resumeFrom) => new()
        {
            BuildEngine = engine,
            Axes = [new TaskItem("flavour").With("Values", "plain;spicy")],
            Context = _temp.Path,
            Tags = [docker.Repository + ":{flavour}"],
            MaxParallel = 2,
            LogDirectory = _temp.Combine("logs"),
            ReportFile = _temp.Combine("images.json"),
            ResumeFrom = resumeFrom,
            CiAnnotations = "Off",
        };

        var first = Matrix(_engine, null);
        TaskRun.Execute(first, _engine).Result.ShouldBeFalse();
        first.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Succeeded", "Failed"]);
        var plainImage = first.Results[0].GetMetadata("ImageId");
        plainImage.ShouldNotBeNullOrEmpty();

        // The fixed Dockerfile would give 'plain' a new image id if it were built again.
        File.WriteAllText(dockerfile, $"FROM {DockerTestEnvironment.BaseImage}\nARG flavour\nRUN echo \"fixed $flavour\" # {docker.Repository}\n");
        var resumed = new RecordingBuildEngine();
        var second = Matrix(resumed, _temp.Combine("images.json"));
        TaskRun.Execute(second, resumed).Result.ShouldBeTrue(string.Join(Environment.NewLine, resumed.Errors.Select(e => e.Message)));

        second.Results.Select(r => r.GetMetadata("Status")).ShouldBe(["Reused", "Succeeded"]);
        second.Results[0].GetMetadata("ImageId").ShouldBe(plainImage);
        second.Results[0].GetMetadata("Tags").ShouldBe(docker.Repository + ":plain");
        second.Results[0].GetMetadata("flavour").ShouldBe("plain");
        second.Results[1].GetMetadata("ImageId").ShouldBe(DockerTestEnvironment.ImageId(docker.Repository + ":spicy"));
        resumed.Messages.ShouldNotContain(m => m.Message!.StartsWith("[plain] started", StringComparison.Ordinal));
        resumed.Messages.ShouldContain(m => m.Message!.StartsWith("[spicy] ") && m.Message.Contains("fixed spicy"));
        JsonRunReport.Read(_temp.Combine("images.json")).Legs.Select(l => (l.Name, l.Status)).ShouldBe([("plain", LegStatus.Reused), ("spicy", LegStatus.Succeeded)]);
    }

    [Fact]
    public void Axes_items_beside_a_matrix_file_with_targets_are_an_error_before_anything_starts()
    {
        File.WriteAllText(_temp.Combine("matrix.json"), """{ "targets": { "base": { "matrix": { "v": ["1"] } } } }""");
        var task = new DockerBuildMatrix { BuildEngine = _engine, MatrixFile = _temp.Combine("matrix.json"), Axes = [new TaskItem("v").With("Values", "2")] };

        TaskRun.Execute(task, _engine).Result.ShouldBeFalse();

        _engine.Errors.Select(e => e.Code).ShouldContain("CPAR0310");
        task.Results.ShouldBeEmpty();
    }

    [DockerFact]
    public void A_matrix_file_with_targets_builds_each_app_from_its_base_with_the_task_parameters_applied_to_every_target()
    {
        using var docker = new DockerTestEnvironment();
        Directory.CreateDirectory(_temp.Combine("base"));
        Directory.CreateDirectory(_temp.Combine("app"));
        File.WriteAllText(_temp.Combine("base", "Dockerfile"), $"FROM {DockerTestEnvironment.BaseImage}\nARG os\nARG GREETING\nRUN echo \"$GREETING from base $os\" > /base\n");
        File.WriteAllText(_temp.Combine("app", "Dockerfile"), "ARG BASE\nFROM ${BASE}\nARG GREETING\nRUN echo \"$GREETING, app on $(cat /base)\"\n");
        File.WriteAllText(_temp.Combine("matrix.json"), $$"""
            { "targets": {
                "base": { "matrix": { "os": ["a"] }, "build": { "context": "base", "tags": ["{{docker.Repository}}:base-{os}"] } },
                "app": { "needs": "base", "matrix": { "os": ["a"] },
                         "build": { "context": "app", "tags": ["{{docker.Repository}}:app-{os}"], "buildArgs": { "BASE": "{base.tag}" } } } } }
            """);
        var greeting = "hello-" + Guid.NewGuid().ToString("N")[..8];
        var task = new DockerBuildMatrix
        {
            BuildEngine = _engine,
            MatrixFile = _temp.Combine("matrix.json"),
            // Unique to this run: the app's RUN step then runs (and prints) rather than coming from docker's cache.
            BuildArgs = [$"GREETING={greeting}"],
            LogDirectory = _temp.Combine("logs"),
            CiAnnotations = "Off",
        };

        TaskRun.Execute(task, _engine).Result.ShouldBeTrue(string.Join(Environment.NewLine, _engine.Errors.Select(e => e.Message)));

        task.Results.Select(r => (r.ItemSpec, r.GetMetadata("Status"))).ShouldBe([("base-a", "Succeeded"), ("app-a", "Succeeded")]);
        _engine.Messages.ShouldContain(m => m.Message!.StartsWith("[app-a] ") && m.Message.Contains($"{greeting}, app on {greeting} from base a"));
    }
}
