using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;
using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Reports;
using CakeParallel.Runs;

namespace Cake.Parallel.Tests;

public sealed class EngineMappingTests
{
    private readonly TestCakeContext _context = new("/work/cake-root");

    /// <summary>The options a run gets from <paramref name="settings"/> when no environment variable or file sets anything.</summary>
    private static RunOptions Resolved(ParallelSettings settings, TestCakeContext context) =>
        RunPrecedence.Resolve(settings.ToBaseOptions(context.Environment), settings.ToRunOverrides(), RunOverrides.None, RunOverrides.None);

    [Fact]
    public void Default_settings_map_to_the_engine_defaults()
    {
        var options = Resolved(new ParallelSettings(), _context);

        options.ShouldBe(new RunOptions { Retry = options.Retry, Reports = options.Reports });
        options.Retry.ShouldBeEquivalentTo(RetryPolicy.None);
        options.Termination.ShouldBeSameAs(TerminationSequence.Default);
        options.Reports.ShouldBe(ReportOptions.None with { Environment = options.Reports.Environment }, "no report files, annotations detected, no resume");
    }

    [Fact]
    public void Admission_settings_reach_the_run_options_and_a_leg_its_memory()
    {
        var settings = new ParallelSettings()
            .SetSharedSlots("builds", 3)
            .SetMinFreeMemory(4L << 30)
            .SetMaxLoad(6.5)
            .SetAdmissionTimeout(TimeSpan.FromMinutes(10));

        var options = Resolved(settings, _context);

        options.SharedSlots.ShouldBe(new SharedSlots("builds", 3));
        options.MinFreeMemory.ShouldBe(4L << 30);
        options.MaxLoad.ShouldBe(6.5);
        options.AdmissionTimeout.ShouldBe(TimeSpan.FromMinutes(10));
        new ParallelLeg("big", "make").SetMemory(2L << 30).ToLegSpec(_context.Environment).Memory.ShouldBe(2L << 30);
    }

    [Fact]
    public void Shard_history_and_plan_settings_reach_the_engine_and_an_invalid_shard_is_a_coded_error()
    {
        var settings = new ParallelSettings { ShardPlan = "artifacts/plan.json" }.SetShard("2/4").AddHistoryFrom("history/report.json");

        var options = Resolved(settings, _context);

        options.Shard.ShouldBe(new Shard(2, 4));
        options.ShardPlan.ShouldBe(_context.Environment.WorkingDirectory.CombineWithFilePath("artifacts/plan.json").FullPath);
        options.HistoryFrom.ShouldBe([_context.Environment.WorkingDirectory.CombineWithFilePath("history/report.json").FullPath]);
        Should.Throw<InvalidRunException>(() => new ParallelSettings { Shard = "5/4" }.ToRunOverrides()).Errors.Single().Code.ShouldBe(ErrorCodes.ShardInvalid);
    }

    [Fact]
    public void Report_settings_reach_the_report_options_relative_to_the_cake_working_directory()
    {
        var settings = new ParallelSettings()
            .SetReportFile("artifacts/report.json")
            .SetJUnitFile("artifacts/junit.xml")
            .SetMarkdownFile("/var/reports/summary.md")
            .SetHtmlFile("artifacts/timeline.html")
            .WithCiAnnotations(CiAnnotationMode.TeamCity)
            .SetResumeFrom("previous/report.json");

        var reports = Resolved(settings, _context).Reports;

        reports.ReportFile.ShouldBe("/work/cake-root/artifacts/report.json");
        reports.JUnitFile.ShouldBe("/work/cake-root/artifacts/junit.xml");
        reports.MarkdownFile.ShouldBe("/var/reports/summary.md");
        reports.HtmlFile.ShouldBe("/work/cake-root/artifacts/timeline.html");
        reports.CiAnnotations.ShouldBe(CiAnnotationMode.TeamCity);
        reports.ResumeFrom.ShouldBe("/work/cake-root/previous/report.json");
        reports.AppendToStepSummary.ShouldBeTrue();
    }

    [Fact]
    public void Ci_detection_reads_the_cake_environment()
    {
        var onGitHub = new TestCakeContext("/work/cake-root", variables: new Dictionary<string, string?> { ["GITHUB_ACTIONS"] = "true", ["GITHUB_STEP_SUMMARY"] = "/tmp/summary.md" });

        var github = Resolved(new DockerMatrixSettings(), onGitHub).Reports;
        var elsewhere = Resolved(new DockerMatrixSettings(), _context).Reports;

        github.Environment.ShouldNotBeNull();
        github.Environment["GITHUB_STEP_SUMMARY"].ShouldBe("/tmp/summary.md");
        CiAnnotations.Select(github.CiAnnotations, github.Environment).ShouldBe(CiSystem.GitHubActions);
        CiAnnotations.Select(elsewhere.CiAnnotations, elsewhere.Environment).ShouldBe(CiSystem.None);
    }

    [Fact]
    public void Every_setting_reaches_the_run_options()
    {
        var settings = new ParallelSettings()
            .SetMaxParallel(3)
            .WithFailFast()
            .WithRebuild()
            .SetTimeout(TimeSpan.FromMinutes(2))
            .SetDeadline(TimeSpan.FromMinutes(30))
            .SetGracePeriod(TimeSpan.FromSeconds(4))
            .WithRetry(4, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(8))
            .WithRetryOnExitCodes(75, 111)
            .WithRetryOnOutput("TLS handshake timeout")
            .WithRetryOnTimeout()
            .SetLogDirectory("logs/parallel");

        var options = Resolved(settings, _context);

        options.MaxParallel.ShouldBe(3);
        options.FailFast.ShouldBeTrue();
        options.Rebuild.ShouldBeTrue();
        options.Timeout.ShouldBe(TimeSpan.FromMinutes(2));
        options.Deadline.ShouldBe(TimeSpan.FromMinutes(30));
        options.Termination.ToString().ShouldBe("TERM,4000,KILL,5000");
        options.Retry.MaxAttempts.ShouldBe(4);
        options.Retry.InitialDelay.ShouldBe(TimeSpan.FromMilliseconds(250));
        options.Retry.MaxDelay.ShouldBe(TimeSpan.FromSeconds(8));
        options.Retry.RetryOnExitCodes.ShouldBe([75, 111]);
        options.Retry.RetryOnOutput.ShouldBe(["TLS handshake timeout"]);
        options.Retry.RetryOnTimeout.ShouldBeTrue();
        options.LogDirectory.ShouldBe("/work/cake-root/logs/parallel");
    }

    [Fact]
    public void Absolute_log_directory_is_kept()
    {
        var options = Resolved(new ParallelSettings { LogDirectory = "/var/log/builds" }, _context);

        options.LogDirectory.ShouldBe("/var/log/builds");
    }

    [Fact]
    public void A_leg_runs_in_the_cake_working_directory_unless_it_sets_its_own_relative_to_it()
    {
        var plain = new ParallelLeg("plain", "make", "all").ToLegSpec(_context.Environment);
        var nested = new ParallelLeg("nested", "make").SetWorkingDirectory("src/web").ToLegSpec(_context.Environment);

        plain.WorkingDirectory.ShouldBe("/work/cake-root");
        nested.WorkingDirectory.ShouldBe("/work/cake-root/src/web");
    }

    [Fact]
    public void A_leg_keeps_its_arguments_environment_timeout_retry_and_secrets()
    {
        var leg = new ParallelLeg("push", "docker", "push", "registry.example/app:1 x")
            .WithEnvironmentVariable("DOCKER_CONFIG", "/tmp/docker")
            .WithEnvironmentVariable("HTTP_PROXY", null)
            .SetTimeout(TimeSpan.FromSeconds(90))
            .WithRetry(5, initialDelay: TimeSpan.FromSeconds(3))
            .WithSecretValue("hunter2");

        var spec = leg.ToLegSpec(_context.Environment);

        spec.Name.ShouldBe("push");
        spec.Executable.ShouldBe("docker");
        spec.Arguments.ShouldBe(["push", "registry.example/app:1 x"]);
        spec.EnvironmentVariables["DOCKER_CONFIG"].ShouldBe("/tmp/docker");
        spec.EnvironmentVariables.ContainsKey("HTTP_PROXY").ShouldBeTrue();
        spec.EnvironmentVariables["HTTP_PROXY"].ShouldBeNull();
        spec.Timeout.ShouldBe(TimeSpan.FromSeconds(90));
        spec.Retry!.MaxAttempts.ShouldBe(5);
        spec.Retry.InitialDelay.ShouldBe(TimeSpan.FromSeconds(3));
        spec.Retry.MaxDelay.ShouldBe(TimeSpan.FromSeconds(30));
        spec.SecretValues.ShouldBe(["hunter2"]);
    }

    [Fact]
    public void A_leg_without_its_own_retry_uses_the_runs()
    {
        new ParallelLeg("a", "true").ToLegSpec(_context.Environment).Retry.ShouldBeNull();
    }

    [Fact]
    public void Docker_matrix_settings_map_to_a_docker_matrix_based_in_the_cake_working_directory()
    {
        var settings = new DockerMatrixSettings()
            .WithAxis("node", "20", "22")
            .WithAxis("os", "alpine", "debian")
            .WithExclude(new Dictionary<string, string> { ["node"] = "20", ["os"] = "debian" })
            .WithInclude(new Dictionary<string, string> { ["node"] = "24", ["os"] = "alpine" })
            .SetContext("images/{os}")
            .SetDockerfile("images/{os}/Dockerfile")
            .WithTag("app:{node}-{os}")
            .WithBuildArg("BASE", "local/busybox:1")
            .WithLabel("org.opencontainers.image.version", "{node}")
            .SetTarget("runtime")
            .SetPlatform("linux/amd64")
            .WithBuildKit()
            .SetLegName("node{node}-{os}");

        var matrix = settings.ToDockerMatrix(_context.Environment, "/opt/docker/bin/docker");

        matrix.BaseDirectory.ShouldBe("/work/cake-root");
        matrix.Matrix.Axes.Select(a => a.Name + "=" + string.Join("|", a.Values)).ShouldBe(["node=20|22", "os=alpine|debian"]);
        MatrixExpansion.Expand(matrix.Matrix).Select(l => string.Join(",", l.Values)).ShouldBe(["20,alpine", "22,alpine", "22,debian", "24,alpine"]);
        matrix.Build.Context.ShouldBe("images/{os}");
        matrix.Build.Dockerfile.ShouldBe("images/{os}/Dockerfile");
        matrix.Build.Tags.ShouldBe(["app:{node}-{os}"]);
        matrix.Build.BuildArgs["BASE"].ShouldBe("local/busybox:1");
        matrix.Build.Labels["org.opencontainers.image.version"].ShouldBe("{node}");
        matrix.Build.Target.ShouldBe("runtime");
        matrix.Build.Platform.ShouldBe("linux/amd64");
        matrix.Build.BuildKit.ShouldBe(true);
        matrix.Build.LegName.ShouldBe("node{node}-{os}");
        matrix.Build.DockerExecutable.ShouldBe("/opt/docker/bin/docker");
        matrix.MaxParallel.ShouldBeNull("the script's run settings are the caller's layer, not the matrix file's");
    }

    [Fact]
    public void Docker_matrix_settings_are_plain_mutable_settings_and_every_one_reaches_the_build()
    {
        var settings = new DockerMatrixSettings
        {
            Context = "ctx",
            Network = "host",
            NoCache = true,
            Pull = true,
            PassAxesAsBuildArgs = false,
            DockerContext = "remote",
            RemoveLateTags = true,
            LateTagWatch = TimeSpan.FromSeconds(3),
        };
        settings.CacheFrom.Add("type=local,src=/cache");
        settings.CacheTo.Add("type=local,dest=/cache");
        settings.Secrets.Add(DockerSecret.FromEnvironment("npm", "NPM_TOKEN"));
        settings.ExtraArguments.Add("--progress=plain");
        settings.EnvironmentVariables["DOCKER_CONFIG"] = "/tmp/docker";
        settings.Tags.Add("app:{os}");

        var build = settings.ToDockerMatrix(_context.Environment, "docker").Build;

        build.Context.ShouldBe("ctx");
        (build.Network, build.NoCache, build.Pull, build.PassAxesAsBuildArgs, build.DockerContext).ShouldBe(("host", true, true, false, "remote"));
        (build.RemoveLateTags, build.LateTagWatch).ShouldBe((true, TimeSpan.FromSeconds(3)));
        build.CacheFrom.ShouldBe(["type=local,src=/cache"]);
        build.CacheTo.ShouldBe(["type=local,dest=/cache"]);
        build.Secrets.ShouldHaveSingleItem().Id.ShouldBe("npm");
        build.ExtraArguments.ShouldBe(["--progress=plain"]);
        build.EnvironmentVariables["DOCKER_CONFIG"].ShouldBe("/tmp/docker");
        build.Tags.ShouldBe(["app:{os}"]);
        settings.Tags.Add("later:{os}");
        build.Tags.ShouldBe(["app:{os}"], "the engine gets a copy");
    }

    [Fact]
    public void Docker_matrix_settings_leave_the_retry_policy_unset_until_a_setter_starts_from_the_docker_policy()
    {
        var defaults = new DockerMatrixSettings();
        var custom = new DockerMatrixSettings().WithRetry(5).WithRetryOnExitCodes(1).SetBaseDirectory("docker");

        defaults.Retry.ShouldBeNull("unset, so CAKEPARALLEL_RETRIES and the engine's docker default apply");
        defaults.ToRunOverrides().MaxAttempts.ShouldBeNull();
        var overrides = custom.ToRunOverrides();
        overrides.MaxAttempts.ShouldBe(5);
        overrides.Retry!.InitialDelay.ShouldBe(DockerRetryPolicy.Default.InitialDelay, "a setter starts from the docker policy");
        overrides.Retry.RetryOnExitCodes.ShouldBe([1]);
        custom.ToDockerMatrix(_context.Environment, "docker").BaseDirectory.ShouldBe("/work/cake-root/docker");
    }
}
