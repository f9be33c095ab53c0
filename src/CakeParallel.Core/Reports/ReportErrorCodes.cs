namespace CakeParallel;

/// <summary>Codes of invalid report settings (<c>CPAR04xx</c>), reported with the other input errors before anything starts.</summary>
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
}
