namespace CakeParallel.Model;

/// <summary>The run's input is invalid; nothing was started. <see cref="Errors"/> lists every problem found.</summary>
public sealed class InvalidRunException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    /// <param name="errors">At least one error.</param>
    public InvalidRunException(IReadOnlyList<ValidationError> errors)
        : base(FormatMessage(errors)) => Errors = errors;

    /// <summary>Every problem found, in the order of the input.</summary>
    public IReadOnlyList<ValidationError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<ValidationError> errors) =>
        (errors.Count == 1 ? "The run's input is invalid; nothing was started:" : $"The run's input has {errors.Count} problems; nothing was started:")
        + string.Concat(errors.Select(e => Environment.NewLine + "  " + e));
}
