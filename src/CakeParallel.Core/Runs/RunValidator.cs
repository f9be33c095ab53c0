using System.Text.RegularExpressions;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Runs;

/// <summary>
/// The checks of a run's legs and options, for <see cref="RunPlanner"/>: every problem at once, each naming the
/// leg and the field.
/// </summary>
internal static class RunValidator
{
    /// <summary>Every problem in <paramref name="options"/>, its services and its reports.</summary>
    public static IReadOnlyList<ValidationError> ValidateOptions(RunOptions options)
    {
        var errors = new List<ValidationError>();
        if (PlatformRequirements.Problem() is { } platform)
        {
            errors.Add(new ValidationError(ErrorCodes.PlatformUnsupported, null, "platform", platform));
        }

        ValidateOptions(options, errors);
        errors.AddRange(Services.ServiceValidator.Validate(options.Services));
        return errors;
    }

    /// <summary>Every problem in <paramref name="legs"/>.</summary>
    /// <param name="legs">The legs.</param>
    /// <param name="checkNames">Whether to check that there are legs and that their names are set and unique (a docker matrix's planner has done that, with its own messages).</param>
    /// <param name="programs">Looks up each leg's executable (and remembers it for the plan).</param>
    public static IReadOnlyList<ValidationError> ValidateLegs(IReadOnlyList<LegSpec> legs, bool checkNames, ExecutableLocator programs)
    {
        var errors = new List<ValidationError>();
        if (checkNames && legs.Count == 0)
        {
            errors.Add(new ValidationError(ErrorCodes.NoLegs, null, "Legs", "the run has no legs; give at least one."));
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var leg in legs)
        {
            if (checkNames)
            {
                ValidateName(leg.Name, names, errors);
            }

            ValidateLeg(leg, programs, errors);
        }

        return errors;
    }

    private static void ValidateOptions(RunOptions options, List<ValidationError> errors)
    {
        if (options.MaxParallel < 1)
        {
            errors.Add(new ValidationError(ErrorCodes.MaxParallelTooSmall, null, "MaxParallel", $"must be at least 1, but is {options.MaxParallel}."));
        }

        if (options.Shard is { } shard && (shard.Count < 1 || shard.Index < 1 || shard.Index > shard.Count))
        {
            errors.Add(new ValidationError(ErrorCodes.ShardInvalid, null, "Shard", $"'{shard}' is not a shard i/n with 1 ≤ i ≤ n."));
        }

        CheckPositive(options.Timeout, null, "Timeout", errors);
        CheckPositive(options.Deadline, null, "Deadline", errors);
        ValidateRetry(options.Retry, null, "Retry", errors);
        if (options.Termination.Steps.Count == 0)
        {
            errors.Add(new ValidationError(ErrorCodes.SettingInvalid, null, "Termination", "the termination sequence has no steps."));
        }

        foreach (var step in options.Termination.Steps)
        {
            if (!SignalNames.TryGetNumber(step.Signal, out _))
            {
                errors.Add(new ValidationError(ErrorCodes.SettingInvalid, null, "Termination", $"'{step.Signal}' is not a signal name."));
            }

            if (step.Wait < TimeSpan.Zero)
            {
                errors.Add(new ValidationError(ErrorCodes.DurationNotPositive, null, "GracePeriod", $"the wait after {step.Signal} must not be negative, but is {step.Wait}."));
            }
        }

        if (options.OutputTailLines < 1)
        {
            errors.Add(new ValidationError(ErrorCodes.SettingInvalid, null, "OutputTailLines", $"must be at least 1, but is {options.OutputTailLines}."));
        }

        if (options.MaxLineBytes < 64)
        {
            errors.Add(new ValidationError(ErrorCodes.SettingInvalid, null, "MaxLineBytes", $"must be at least 64, but is {options.MaxLineBytes}."));
        }

        if (options.DrainTimeout < TimeSpan.Zero)
        {
            errors.Add(new ValidationError(ErrorCodes.DurationNotPositive, null, "DrainTimeout", "must not be negative."));
        }

        errors.AddRange(Reports.ReportOptionsValidator.Validate(options.Reports));
        ValidateAdmission(options, errors);
    }

    private static void ValidateAdmission(RunOptions options, List<ValidationError> errors)
    {
        if (options.SharedSlots?.Problem is { } problem)
        {
            errors.Add(new ValidationError(ErrorCodes.SharedSlotsInvalid, null, "SharedSlots", problem + "."));
        }
        else if (options.SharedSlots is { } slots)
        {
            try
            {
                Scheduling.MachineSlotPool.Open(slots, out _);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ValidationError(ErrorCodes.SharedSlotsFolderUnusable, null, "SharedSlots", $"the pool's files under {Scheduling.MachineSlotPool.Root} cannot be created or opened: {exception.Message}"));
            }
        }

        if (options.MinFreeMemory is <= 0)
        {
            errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, null, "MinFreeMemory", $"must be positive, but is {options.MinFreeMemory}."));
        }

        if (options.MaxLoad is { } load && !(load > 0))
        {
            errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, null, "MaxLoad", $"must be positive, but is {load}."));
        }

        if (options.AdmissionTimeout is { } timeout && timeout <= TimeSpan.Zero)
        {
            errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, null, "AdmissionTimeout", $"must be positive, but is {timeout}."));
        }
    }

    private static void ValidateName(string name, HashSet<string> names, List<ValidationError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new ValidationError(ErrorCodes.LegNameEmpty, name, "Name", "a leg needs a name that is not blank."));
        }
        else if (!names.Add(name))
        {
            errors.Add(new ValidationError(ErrorCodes.DuplicateLegName, name, "Name", $"another leg is also named '{name}'; leg names must be unique."));
        }
    }

    private static void ValidateLeg(LegSpec leg, ExecutableLocator programs, List<ValidationError> errors)
    {
        var name = leg.Name;
        if (leg.Memory is <= 0)
        {
            errors.Add(new ValidationError(ErrorCodes.AdmissionSettingInvalid, name, "Memory", $"must be positive, but is {leg.Memory}."));
        }

        var directoryOk = true;
        if (leg.WorkingDirectory is not null && !Directory.Exists(leg.WorkingDirectory))
        {
            directoryOk = false;
            errors.Add(new ValidationError(ErrorCodes.WorkingDirectoryNotFound, name, "WorkingDirectory", $"directory '{leg.WorkingDirectory}' does not exist."));
        }

        if (string.IsNullOrWhiteSpace(leg.Executable))
        {
            errors.Add(new ValidationError(ErrorCodes.ExecutableNotFound, name, "Executable", "no executable given."));
        }
        else if (directoryOk && programs.Resolve(leg.Executable, leg.WorkingDirectory, leg.EnvironmentVariables) is null)
        {
            var where = leg.Executable.Contains('/') ? "does not exist or is not executable" : "was not found on PATH";
            errors.Add(new ValidationError(ErrorCodes.ExecutableNotFound, name, "Executable", $"'{leg.Executable}' {where}."));
        }

        CheckPositive(leg.Timeout, name, "Timeout", errors);
        if (leg.Retry is not null)
        {
            ValidateRetry(leg.Retry, name, "Retry", errors);
        }
    }

    private static void ValidateRetry(RetryPolicy retry, string? leg, string field, List<ValidationError> errors)
    {
        if (retry.MaxAttempts < 1)
        {
            errors.Add(new ValidationError(ErrorCodes.RetrySettingInvalid, leg, field + ".MaxAttempts", $"must be at least 1 (one attempt, no retry), but is {retry.MaxAttempts}."));
        }

        if (retry.InitialDelay < TimeSpan.Zero || retry.InitialDelay > TimeSpan.FromDays(1))
        {
            errors.Add(new ValidationError(ErrorCodes.RetrySettingInvalid, leg, field + ".InitialDelay", $"must be between 0 and 1 day, but is {retry.InitialDelay}."));
        }

        if (retry.MaxDelay <= TimeSpan.Zero || retry.MaxDelay < retry.InitialDelay)
        {
            errors.Add(new ValidationError(ErrorCodes.RetrySettingInvalid, leg, field + ".MaxDelay", $"must be positive and at least InitialDelay ({retry.InitialDelay}), but is {retry.MaxDelay}."));
        }

        for (var i = 0; i < retry.RetryOnOutput.Count; i++)
        {
            try
            {
                _ = new Regex(retry.RetryOnOutput[i], RegexOptions.CultureInvariant);
            }
            catch (ArgumentException exception)
            {
                errors.Add(new ValidationError(ErrorCodes.PatternInvalid, leg, $"{field}.RetryOnOutput[{i}]", $"'{retry.RetryOnOutput[i]}' is not a valid regular expression: {exception.Message}"));
            }
        }
    }

    private static void CheckPositive(TimeSpan? value, string? leg, string field, List<ValidationError> errors)
    {
        if (value is { } v && v <= TimeSpan.Zero)
        {
            errors.Add(new ValidationError(ErrorCodes.DurationNotPositive, leg, field, $"must be positive when set, but is {v}."));
        }
    }
}
