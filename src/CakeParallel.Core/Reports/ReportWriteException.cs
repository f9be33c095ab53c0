using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// One or more report files could not be written after a run. Every other report was still written, and the
/// run's complete result is in <see cref="Result"/>.
/// </summary>
public sealed class ReportWriteException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="result">The run's result.</param>
    /// <param name="failures">Each report that failed, as <c>option 'path': reason</c>.</param>
    /// <param name="inner">The first underlying exception.</param>
    public ReportWriteException(RunResult result, IReadOnlyList<string> failures, Exception inner)
        : base($"The run ended ({result.CountsDisplay}) but {failures.Count} report(s) could not be written: {string.Join("; ", failures)}", inner)
    {
        Result = result;
        Failures = failures;
    }

    /// <summary>The run's result.</summary>
    public RunResult Result { get; }

    /// <summary>Each report that failed, as <c>option 'path': reason</c>.</summary>
    public IReadOnlyList<string> Failures { get; }
}
