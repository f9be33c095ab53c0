using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>Checks report settings before a run starts; every problem names the option.</summary>
internal static class ReportOptionsValidator
{
    public static IEnumerable<ValidationError> Validate(ReportOptions options)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (field, path) in options.Files())
        {
            if (Check(field, path) is { } error)
            {
                yield return error;
                continue;
            }

            var full = Path.GetFullPath(path);
            if (seen.TryGetValue(full, out var other))
            {
                yield return new ValidationError(ErrorCodes.ReportPathsCollide, null, "Reports." + field, $"'{path}' is also the {other}; each report needs its own file.");
            }
            else
            {
                seen[full] = field;
            }
        }

        if (!Enum.IsDefined(options.CiAnnotations))
        {
            yield return new ValidationError(ErrorCodes.AnnotationModeInvalid, null, "Reports.CiAnnotations", $"{(int)options.CiAnnotations} is not a mode; use one of {string.Join(", ", Enum.GetNames<CiAnnotationMode>())}.");
        }

        if (options.ResumeFrom is { } resume && CheckResume(resume) is { } resumeError)
        {
            yield return resumeError;
        }
    }

    private static ValidationError? Check(string field, string path)
    {
        ValidationError Error(string message) => new(ErrorCodes.ReportPathUnusable, null, "Reports." + field, message);
        if (string.IsNullOrWhiteSpace(path))
        {
            return Error("the path is blank; leave it unset for no report.");
        }

        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return Error($"'{path}' is not a valid path: {exception.Message}");
        }

        if (Directory.Exists(full))
        {
            return Error($"'{path}' is a directory; give a file name.");
        }

        // Nothing is created before the run starts: the nearest existing ancestor must be a folder.
        for (var folder = Path.GetDirectoryName(full); folder is not null; folder = Path.GetDirectoryName(folder))
        {
            if (Directory.Exists(folder))
            {
                return null;
            }

            if (File.Exists(folder))
            {
                return Error($"its folder cannot be created: '{folder}' is a file.");
            }
        }

        return null;
    }

    private static ValidationError? CheckResume(string path)
    {
        ValidationError Error(string message) => new(ErrorCodes.ResumeReportUnusable, null, "Reports.ResumeFrom", message);
        if (string.IsNullOrWhiteSpace(path))
        {
            return Error("the path is blank; leave it unset to run every leg.");
        }

        if (!File.Exists(path) && !Directory.Exists(path))
        {
            return Error($"'{path}' does not exist; give the JSON report (ReportFile), the run journal or the log folder of an earlier run.");
        }

        try
        {
            _ = RunJournal.IsJournal(path) ? RunJournal.Read(path) : JsonRunReport.Read(path);
            return null;
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return Error(exception.Message);
        }
    }
}
