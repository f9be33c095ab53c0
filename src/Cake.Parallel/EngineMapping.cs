using Cake.Core;
using CakeParallel.Model;
using CakeParallel.Docker;

namespace Cake.Parallel;

/// <summary>Translates the addin's Cake-style settings into the engine's immutable options; paths become absolute.</summary>
internal static class EngineMapping
{
    public static RunOptions ToRunOptions(this ParallelSettings settings, ICakeEnvironment environment, IRunListener? listener)
    {
        var defaults = new RunOptions();
        return defaults with
        {
            MaxParallel = settings.MaxParallel ?? defaults.MaxParallel,
            FailFast = settings.FailFast,
            Timeout = settings.Timeout,
            Deadline = settings.Deadline,
            Termination = settings.GracePeriod is { } grace ? TerminationSequence.WithGracePeriod(grace) : defaults.Termination,
            Retry = settings.Retry.ToRetryPolicy(),
            LogDirectory = settings.LogDirectory?.MakeAbsolute(environment).FullPath,
            Listener = listener,
            Reports = settings.ToReportOptions(environment),
        };
    }

    public static ReportOptions ToReportOptions(this ParallelSettings settings, ICakeEnvironment environment) => new()
    {
        ReportFile = settings.ReportFile?.MakeAbsolute(environment).FullPath,
        JUnitFile = settings.JUnitFile?.MakeAbsolute(environment).FullPath,
        MarkdownFile = settings.MarkdownFile?.MakeAbsolute(environment).FullPath,
        HtmlFile = settings.HtmlFile?.MakeAbsolute(environment).FullPath,
        CiAnnotations = settings.CiAnnotations,
        ResumeFrom = settings.ResumeFrom?.MakeAbsolute(environment).FullPath,
        // CI detection and GITHUB_STEP_SUMMARY read Cake's view of the environment, as Cake's own build-system aliases do.
        Environment = new Dictionary<string, string?>(
            environment.GetEnvironmentVariables().Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)), StringComparer.Ordinal),
    };

    public static LegSpec ToLegSpec(this ParallelLeg leg, ICakeEnvironment environment) =>
        new(leg.Name, leg.Executable, leg.Arguments)
        {
            WorkingDirectory = (leg.WorkingDirectory ?? environment.WorkingDirectory).MakeAbsolute(environment).FullPath,
            EnvironmentVariables = new Dictionary<string, string?>(leg.EnvironmentVariables, StringComparer.Ordinal),
            Timeout = leg.Timeout,
            Retry = leg.Retry?.ToRetryPolicy(),
            SecretValues = leg.SecretValues.ToArray(),
        };

    public static DockerMatrix ToDockerMatrix(this DockerMatrixSettings settings, ICakeEnvironment environment) => new()
    {
        Matrix = settings.Matrix,
        Build = settings.Build,
        BaseDirectory = (settings.BaseDirectory ?? environment.WorkingDirectory).MakeAbsolute(environment).FullPath,
        Retry = settings.Retry.ToRetryPolicy(),
    };

    public static RetryPolicy ToRetryPolicy(this ParallelRetrySettings retry) => new()
    {
        MaxAttempts = retry.MaxAttempts,
        InitialDelay = retry.InitialDelay,
        MaxDelay = retry.MaxDelay,
        UseJitter = retry.UseJitter,
        RetryOnExitCodes = retry.RetryOnExitCodes.ToArray(),
        RetryOnOutput = retry.RetryOnOutput.ToArray(),
        RetryOnTimeout = retry.RetryOnTimeout,
    };
}
