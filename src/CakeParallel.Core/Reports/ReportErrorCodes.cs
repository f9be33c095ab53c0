namespace CakeParallel;

/// <summary>Codes of report problems (<c>CPAR04xx</c>): invalid report settings, reported with the other input errors before anything starts, and reports that could not be written.</summary>
public static class ReportErrorCodes
{
    /// <summary>A report file path is blank, names a directory, or its folder cannot be created.</summary>
    public const string ReportPathUnusable = "CPAR0401";

    /// <summary>Two reports are set to the same file.</summary>
    public const string ReportPathsCollide = "CPAR0402";

    /// <summary>The report to resume from is missing, unreadable, not a CakeParallel report, or of an unsupported schema version.</summary>
    public const string ResumeReportUnusable = "CPAR0403";

    /// <summary>The CI annotation mode is not one of the defined values.</summary>
    public const string AnnotationModeInvalid = "CPAR0404";

    /// <summary>A report could not be written after the run (see <see cref="Reports.ReportWriteException"/>); the legs' results stand.</summary>
    public const string ReportNotWritten = "CPAR0405";
}
