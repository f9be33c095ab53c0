using System.Diagnostics;

namespace CakeParallel.Testing;

/// <summary>A real tmpfs of a given size (1 MB by default) mounted on a fresh folder, to fill a file system for real; unmounted on dispose. Needs root.</summary>
public sealed class SmallTmpfs : IDisposable
{
    private readonly TempDirectory _mountPoint = new("cakeparallel-tmpfs");

    public SmallTmpfs(string size = "1m")
    {
        Run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", _mountPoint.Path);
    }

    /// <summary>The mounted folder.</summary>
    public string Path => _mountPoint.Path;

    /// <summary>Remounts the file system read-only (no file on it may be open for writing).</summary>
    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", _mountPoint.Path);

    public void Dispose()
    {
        // Lazy: a leg under test may still hold a file open; the mount goes once it lets go.
        Run("umount", "-l", _mountPoint.Path);
        _mountPoint.Dispose();
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true })!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({process.ExitCode}): {error}");
        }
    }
}
