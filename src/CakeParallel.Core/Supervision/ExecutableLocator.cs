namespace CakeParallel.Supervision;

/// <summary>
/// Finds a leg's executable the way execvp(3) would, so a missing program is reported before anything starts. An
/// instance remembers what it looked up: planning uses one, so a thousand legs of one program, working directory and
/// PATH search PATH once rather than once a leg and again for validation (each search is a file lookup per PATH entry).
/// </summary>
internal sealed class ExecutableLocator
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    private readonly Dictionary<(string Executable, string? Directory, string? SearchPath), string?> _found = [];

    // The process's PATH, read once: each read makes a new string.
    private string? _processSearchPath;
    private bool _processSearchPathRead;

    /// <summary>The executable's full path, looked up once for each program, working directory (for a relative path) and PATH; null when there is none.</summary>
    public string? Resolve(string executable, string? workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        (string, string?, string?) key = executable.Contains('/')
            ? (executable, Path.IsPathRooted(executable) ? null : workingDirectory ?? Directory.GetCurrentDirectory(), null)
            : (executable, null, environment.TryGetValue("PATH", out var overridden) ? overridden : ProcessSearchPath());
        if (!_found.TryGetValue(key, out var path))
        {
            path = Find(executable, workingDirectory, environment);
            _found[key] = path;
        }

        return path;
    }

    /// <summary>The executable's full path, looked up now; null when there is none.</summary>
    public static string? Find(string executable, string? workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        if (executable.Contains('/'))
        {
            var path = Path.IsPathRooted(executable) ? executable : Path.GetFullPath(executable, workingDirectory ?? Directory.GetCurrentDirectory());
            return IsExecutableFile(path) ? path : null;
        }

        foreach (var directory in (SearchPath(environment) ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private string? ProcessSearchPath()
    {
        if (!_processSearchPathRead)
        {
            _processSearchPath = Environment.GetEnvironmentVariable("PATH");
            _processSearchPathRead = true;
        }

        return _processSearchPath;
    }

    private static string? SearchPath(IReadOnlyDictionary<string, string?> environment) =>
        environment.TryGetValue("PATH", out var overridden) ? overridden : Environment.GetEnvironmentVariable("PATH");

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0);
}
