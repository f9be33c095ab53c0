namespace CakeParallel.Model;

/// <summary>The settings a run was made with, as its reports show them.</summary>
/// <param name="MaxParallel">The most legs running at once.</param>
/// <param name="FailFast">Whether the first final failure stopped the run.</param>
/// <param name="Timeout">The per-attempt timeout of legs that set none, or <see langword="null"/>.</param>
/// <param name="Deadline">The run's deadline, or <see langword="null"/>.</param>
/// <param name="Termination">The termination sequence in GNU parallel's notation, e.g. <c>TERM,10000,KILL,0</c>.</param>
/// <param name="Retry">The retry policy of legs that set none.</param>
public sealed record RunSettings(int MaxParallel, bool FailFast, TimeSpan? Timeout, TimeSpan? Deadline, string Termination, RetryPolicy Retry)
{
    /// <summary>The summary of <paramref name="options"/>.</summary>
    /// <param name="options">The run's options.</param>
    public static RunSettings Of(RunOptions options) =>
        new(options.MaxParallel, options.FailFast, options.Timeout, options.Deadline, options.Termination.ToString(), options.Retry);
}
