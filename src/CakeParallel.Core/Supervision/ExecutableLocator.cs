namespace CakeParallel.Supervision;

/// <summary>Finds a leg's executable the way execvp(3) would, so a missing program is reported before anything starts.</summary>
internal static class ExecutableLocator
{
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public static string? Resolve(string executable, string? workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        if (executable.Contains('/'))
        {
            var path = Path.IsPathRooted(executable) ? executable : Path.GetFullPath(executable, workingDirectory ?? Directory.GetCurrentDirectory());
            return IsExecutableFile(path) ? path : null;
        }

        var searchPath = environment.TryGetValue("PATH", out var overridden) ? overridden : Environment.GetEnvironmentVariable("PATH");
        foreach (var directory in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, executable);
            if (IsExecutableFile(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutableFile(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & AnyExecute) != 0);
}
