using Cake.Core;
using CakeParallel.Model;
using CakeParallel.Docker;

namespace Cake.Parallel;

/// <summary>Translates the addin's Cake-style settings into the engine's immutable options; paths become absolute.</summary>
internal static class EngineMapping
{
    /// <summary>The options that are not layered by the precedence rule; the layered ones keep the engine's defaults.</summary>
    public static RunOptions ToBaseOptions(this ParallelSettings settings, ICakeEnvironment environment)
    {
        var defaults = new RunOptions();
        return defaults with
        {
            Deadline = settings.Deadline,
            MinFreeMemory = settings.MinFreeMemory,
            MaxLoad = settings.MaxLoad,
            AdmissionTimeout = settings.AdmissionTimeout,
            Termination = settings.GracePeriod is { } grace ? TerminationSequence.WithGracePeriod(grace) : defaults.Termination,
            LogDirectory = settings.LogDirectory?.MakeAbsolute(environment).FullPath,
            Reports = settings.ToReportOptions(environment),
            ShardPlan = settings.ShardPlan?.MakeAbsolute(environment).FullPath,
            // An empty list stays the default's own (options compare by reference there).
            HistoryFrom = settings.HistoryFrom.Count == 0 ? defaults.HistoryFrom : [.. settings.HistoryFrom.Select(h => h.MakeAbsolute(environment).FullPath)],
        };
    }

    /// <summary>The run settings the script assigned: the caller's layer of the precedence rule.</summary>
    public static RunOverrides ToRunOverrides(this ParallelSettings settings) => new()
    {
        MaxParallel = settings.MaxParallel,
        Timeout = settings.Timeout,
        FailFast = settings.FailFast,
        Rebuild = settings.Rebuild,
        MaxAttempts = settings.Retry?.MaxAttempts,
        Retry = settings.Retry?.ToRetryPolicy(),
        SharedSlots = settings.SharedSlots,
        Shard = settings.Shard is null ? null
            : CakeParallel.Model.Shard.TryParse(settings.Shard, out var shard) ? shard
            : throw new InvalidRunException([new ValidationError(ErrorCodes.ShardInvalid, null, nameof(settings.Shard), $"'{settings.Shard}' is not a shard i/n with 1 ≤ i ≤ n (e.g. 2/4).")]),
    };

    /// <summary>Cake's view of the environment, which the <c>CAKEPARALLEL_*</c> variables are read from.</summary>
    public static IReadOnlyDictionary<string, string?> Variables(this ICakeEnvironment environment) =>
        new Dictionary<string, string?>(
            environment.GetEnvironmentVariables().Select(v => KeyValuePair.Create(v.Key, (string?)v.Value)), StringComparer.Ordinal);

    public static ReportOptions ToReportOptions(this ParallelSettings settings, ICakeEnvironment environment) => new()
    {
        ReportFile = settings.ReportFile?.MakeAbsolute(environment).FullPath,
        JUnitFile = settings.JUnitFile?.MakeAbsolute(environment).FullPath,
        MarkdownFile = settings.MarkdownFile?.MakeAbsolute(environment).FullPath,
        HtmlFile = settings.HtmlFile?.MakeAbsolute(environment).FullPath,
        CiAnnotations = settings.CiAnnotations,
        ResumeFrom = settings.ResumeFrom?.MakeAbsolute(environment).FullPath,
        // CI detection and GITHUB_STEP_SUMMARY read Cake's view of the environment, as Cake's own build-system aliases do.
        Environment = environment.Variables(),
    };

    public static LegSpec ToLegSpec(this ParallelLeg leg, ICakeEnvironment environment) =>
        new(leg.Name, leg.Executable, leg.Arguments)
        {
            WorkingDirectory = (leg.WorkingDirectory ?? environment.WorkingDirectory).MakeAbsolute(environment).FullPath,
            EnvironmentVariables = new Dictionary<string, string?>(leg.EnvironmentVariables, StringComparer.Ordinal),
            Timeout = leg.Timeout,
            Memory = leg.Memory,
            Retry = leg.Retry?.ToRetryPolicy(),
            SecretValues = leg.SecretValues.ToArray(),
            Needs = leg.Needs.ToArray(),
        };

    /// <summary>The engine's matrix; its run settings stay unset, since the script's are the caller's layer (<see cref="ToRunOverrides"/>).</summary>
    /// <param name="settings">The script's settings.</param>
    /// <param name="environment">Cake's environment, for the base directory.</param>
    /// <param name="dockerClient">The docker client, as <see cref="ResolveDocker"/> found it.</param>
    public static DockerMatrix ToDockerMatrix(this DockerMatrixSettings settings, ICakeEnvironment environment, string dockerClient) => new()
    {
        Matrix = settings.Matrix,
        Build = settings.ToBuildSettings(dockerClient),
        BaseDirectory = (settings.BaseDirectory ?? environment.WorkingDirectory).MakeAbsolute(environment).FullPath,
    };

    /// <summary>
    /// The docker client, found as Cake finds tools: <paramref name="toolPath"/> when set, else Cake's tool
    /// resolution of <paramref name="executable"/> (the tools folder, the <c>Tools</c> configuration, then
    /// <c>PATH</c>); the name itself when Cake finds nothing, so the planner reports it as not found.
    /// </summary>
    public static string ResolveDocker(this ICakeContext context, Cake.Core.IO.FilePath? toolPath, string executable)
    {
        if (toolPath is not null)
        {
            return toolPath.MakeAbsolute(context.Environment).FullPath;
        }

        // A path the script gave stays as given; only a bare name goes through the tool resolution.
        return executable.Contains('/') ? executable : context.Tools.Resolve(executable)?.FullPath ?? executable;
    }

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
