using Cake.Core;
using CakeParallel;
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
        };
    }

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
