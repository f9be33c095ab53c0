using System.Globalization;
using CakeParallel.Docker;
using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// The one precedence rule of run settings, for every entry point (Cake aliases, MSBuild tasks, the engine):
/// what the caller set explicitly, then the <c>CAKEPARALLEL_*</c> environment variables, then the matrix file,
/// then the defaults.
/// </summary>
public static class RunPrecedence
{
    /// <summary>The most legs running at once, at least 1.</summary>
    public const string MaxParallelVariable = "CAKEPARALLEL_MAX_PARALLEL";

    /// <summary>The timeout of each attempt, as in a matrix file: seconds (<c>90</c>), or <c>90s</c>, <c>5m</c>, <c>1h30m</c>, <c>500ms</c>, <c>00:05:00</c>.</summary>
    public const string TimeoutVariable = "CAKEPARALLEL_TIMEOUT";

    /// <summary>Retries after the first attempt, 0 or more.</summary>
    public const string RetriesVariable = "CAKEPARALLEL_RETRIES";

    /// <summary>Fail fast: <c>true</c>/<c>false</c> or <c>1</c>/<c>0</c>.</summary>
    public const string FailFastVariable = "CAKEPARALLEL_FAIL_FAST";

    /// <summary>Which shard of the matrix this job runs, <c>i/n</c> (e.g. <c>2/4</c>), so a CI job sets it once for every run.</summary>
    public const string ShardVariable = "CAKEPARALLEL_SHARD";

    /// <summary>The machine-wide slot pool, as <c>name:N</c> (e.g. <c>builds:4</c>).</summary>
    public const string SharedSlotsVariable = "CAKEPARALLEL_SHARED_SLOTS";

    /// <summary>Build every docker leg even when it is up to date: <c>true</c>/<c>false</c> or <c>1</c>/<c>0</c>.</summary>
    public const string RebuildVariable = "CAKEPARALLEL_REBUILD";

    /// <summary>
    /// <paramref name="defaults"/> with each layered setting (max parallel, timeout, retry policy and attempts,
    /// fail-fast, shard, shared slots, rebuild) taken from the first source that sets it: <paramref name="caller"/>, then
    /// <paramref name="environment"/>, then <paramref name="matrixFile"/>; a setting no source sets keeps its default.
    /// </summary>
    /// <param name="defaults">The defaults, and every setting that is not layered (listener, reports, termination, ...).</param>
    /// <param name="caller">What the caller set explicitly (a Cake setting assigned, an MSBuild parameter given).</param>
    /// <param name="environment">What the <c>CAKEPARALLEL_*</c> environment variables set (see <see cref="FromEnvironment"/>).</param>
    /// <param name="matrixFile">What the matrix file sets.</param>
    public static RunOptions Resolve(RunOptions defaults, RunOverrides caller, RunOverrides environment, RunOverrides matrixFile)
    {
        var retry = caller.Retry ?? environment.Retry ?? matrixFile.Retry ?? defaults.Retry;
        var attempts = caller.MaxAttempts ?? environment.MaxAttempts ?? matrixFile.MaxAttempts ?? retry.MaxAttempts;
        return defaults with
        {
            MaxParallel = caller.MaxParallel ?? environment.MaxParallel ?? matrixFile.MaxParallel ?? defaults.MaxParallel,
            Timeout = caller.Timeout ?? environment.Timeout ?? matrixFile.Timeout ?? defaults.Timeout,
            FailFast = caller.FailFast ?? environment.FailFast ?? matrixFile.FailFast ?? defaults.FailFast,
            Shard = caller.Shard ?? environment.Shard ?? matrixFile.Shard ?? defaults.Shard,
            SharedSlots = caller.SharedSlots ?? environment.SharedSlots ?? matrixFile.SharedSlots ?? defaults.SharedSlots,
            Rebuild = caller.Rebuild ?? environment.Rebuild ?? matrixFile.Rebuild ?? defaults.Rebuild,
            Retry = retry with { MaxAttempts = attempts },
        };
    }

    /// <summary>
    /// The settings the <c>CAKEPARALLEL_*</c> variables in <paramref name="variables"/> set; an unset or empty
    /// variable sets nothing, an invalid value adds an error naming the variable.
    /// </summary>
    /// <param name="variables">The environment (the host's view of it: Cake's environment, the MSBuild process's).</param>
    /// <param name="errors">Receives one <see cref="ErrorCodes.EnvironmentVariableInvalid"/> error per invalid value.</param>
    public static RunOverrides FromEnvironment(IReadOnlyDictionary<string, string?> variables, ICollection<ValidationError> errors)
    {
        ArgumentNullException.ThrowIfNull(variables);
        ArgumentNullException.ThrowIfNull(errors);
        string? Value(string name) => variables.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
        void Invalid(string name, string value, string expected) =>
            errors.Add(new ValidationError(ErrorCodes.EnvironmentVariableInvalid, null, name, $"'{value}' is not {expected}."));

        var overrides = RunOverrides.None;
        if (Value(MaxParallelVariable) is { } maxParallel)
        {
            if (int.TryParse(maxParallel, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed >= 1)
            {
                overrides = overrides with { MaxParallel = parsed };
            }
            else
            {
                Invalid(MaxParallelVariable, maxParallel, "a whole number of at least 1");
            }
        }

        if (Value(TimeoutVariable) is { } timeout)
        {
            // Seconds as a plain number, or text, as in a matrix file.
            var isSeconds = double.TryParse(timeout, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds < TimeSpan.MaxValue.TotalSeconds;
            var parsed = isSeconds ? TimeSpan.FromSeconds(seconds) : DurationParser.TryParse(timeout, out var duration) ? duration : TimeSpan.Zero;
            if (parsed > TimeSpan.Zero)
            {
                overrides = overrides with { Timeout = parsed };
            }
            else
            {
                Invalid(TimeoutVariable, timeout, "a positive duration (seconds, or e.g. 90s, 5m, 1h30m, 500ms, 00:05:00)");
            }
        }

        if (Value(RetriesVariable) is { } retries)
        {
            if (int.TryParse(retries, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed < int.MaxValue)
            {
                overrides = overrides with { MaxAttempts = parsed + 1 };
            }
            else
            {
                Invalid(RetriesVariable, retries, "a whole number of 0 or more");
            }
        }

        if (Value(FailFastVariable) is { } failFast)
        {
            var parsed = Boolean(failFast);
            if (parsed is null)
            {
                Invalid(FailFastVariable, failFast, "true, false, 1 or 0");
            }

            overrides = overrides with { FailFast = parsed };
        }

        if (Value(RebuildVariable) is { } rebuild)
        {
            var parsed = Boolean(rebuild);
            if (parsed is null)
            {
                Invalid(RebuildVariable, rebuild, "true, false, 1 or 0");
            }

            overrides = overrides with { Rebuild = parsed };
        }

        if (Value(ShardVariable) is { } shardText)
        {
            if (Shard.TryParse(shardText, out var shard))
            {
                overrides = overrides with { Shard = shard };
            }
            else
            {
                Invalid(ShardVariable, shardText, "a shard i/n with 1 ≤ i ≤ n (e.g. 2/4)");
            }
        }

        if (Value(SharedSlotsVariable) is { } sharedSlots)
        {
            if (SharedSlots.Parse(sharedSlots) is { } parsed)
            {
                overrides = overrides with { SharedSlots = parsed };
            }
            else
            {
                Invalid(SharedSlotsVariable, sharedSlots, "name:N (a name of letters, digits, '.', '_' or '-', and a count of at least 1)");
            }
        }

        return overrides;
    }

    private static bool? Boolean(string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    /// <summary>This process's environment variables, for hosts whose environment is the process's own (MSBuild).</summary>
    public static IReadOnlyDictionary<string, string?> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
}
