namespace CakeParallel.MSBuild;

/// <summary>The code of a report file the task could not write after its legs ran.</summary>
internal static class ReportWriteErrors
{
    /// <summary>
    /// A report could not be written (the engine's <c>ReportWriteException</c>). The engine's <see cref="ReportErrorCodes"/>
    /// has no code for this yet; this is the next free one of its <c>CPAR04xx</c> range.
    /// </summary>
    public const string ReportNotWritten = "CPAR0405";
}
