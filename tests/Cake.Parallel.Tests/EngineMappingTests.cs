using Cake.Parallel.Tests.Infrastructure;
using CakeParallel.Model;
using CakeParallel.Docker;
using CakeParallel.Matrix;
using CakeParallel.Reports;

namespace Cake.Parallel.Tests;

public sealed class EngineMappingTests
{
    private readonly TestCakeContext _context = new("/work/cake-root");

    [Fact]
    public void Default_settings_map_to_the_engine_defaults()
    {
        var options = new ParallelSettings().ToRunOptions(_context.Environment, listener: null);

        options.ShouldBe(new RunOptions { Retry = options.Retry, Reports = options.Reports });
        options.Retry.ShouldBeEquivalentTo(RetryPolicy.None);
        options.Termination.ShouldBeSameAs(TerminationSequence.Default);
        options.Reports.ShouldBe(ReportOptions.None with { Environment = options.Reports.Environment }, "no report files, annotations detected, no resume");
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

        var reports = settings.ToRunOptions(_context.Environment, listener: null).Reports;

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

        var github = new DockerMatrixSettings().ToRunOptions(onGitHub.Environment, listener: null).Reports;
        var elsewhere = new DockerMatrixSettings().ToRunOptions(_context.Environment, listener: null).Reports;

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
            .SetTimeout(TimeSpan.FromMinutes(2))
            .SetDeadline(TimeSpan.FromMinutes(30))
            .SetGracePeriod(TimeSpan.FromSeconds(4))
            .WithRetry(4, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(8))
            .WithRetryOnExitCodes(75, 111)
            .WithRetryOnOutput("TLS handshake timeout")
            .WithRetryOnTimeout()
            .SetLogDirectory("logs/parallel");

        var options = settings.ToRunOptions(_context.Environment, listener: null);

        options.MaxParallel.ShouldBe(3);
        options.FailFast.ShouldBeTrue();
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
        var options = new ParallelSettings { LogDirectory = "/var/log/builds" }.ToRunOptions(_context.Environment, listener: null);

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

        var matrix = settings.ToDockerMatrix(_context.Environment);

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
        matrix.MaxParallel.ShouldBeNull("the run settings come from ParallelSettings through the RunOptions");
    }

    [Fact]
    public void Docker_matrix_settings_default_to_the_docker_retry_policy_and_keep_a_custom_one()
    {
        var defaults = new DockerMatrixSettings().ToDockerMatrix(_context.Environment).Retry!;
        var custom = new DockerMatrixSettings().WithRetry(5).WithRetryOnExitCodes(1).SetBaseDirectory("docker").ToDockerMatrix(_context.Environment);

        defaults.MaxAttempts.ShouldBe(DockerRetryPolicy.Default.MaxAttempts);
        defaults.InitialDelay.ShouldBe(DockerRetryPolicy.Default.InitialDelay);
        defaults.RetryOnExitCodes.ShouldBeEmpty("only transient docker failures are retried by default");
        custom.Retry!.MaxAttempts.ShouldBe(5);
        custom.Retry.RetryOnExitCodes.ShouldBe([1]);
        custom.BaseDirectory.ShouldBe("/work/cake-root/docker");
    }
}
