using System.Diagnostics;

namespace CakeParallel.Testing;

/// <summary>
/// Packs this checkout's projects into a local folder feed with a version of the test's choosing, so that tests
/// which restore them (real <c>dotnet cake</c>, real <c>dotnet msbuild</c>) load exactly this build.
/// </summary>
public static class PackageFeed
{
    /// <summary>Packs each of <paramref name="projects"/> (paths relative to the repository root) in Release into <paramref name="folder"/>.</summary>
    /// <exception cref="InvalidOperationException">A pack failed; the message holds its output.</exception>
    public static void Pack(string folder, string version, params string[] projects)
    {
        // Test projects run at once, and their fixtures pack the same projects of this checkout: two packs building
        // one project's Release output at the same time overwrite each other's files (crossgen died of SIGBUS).
        using var packing = HoldPackLock();
        foreach (var project in projects)
        {
            Run("dotnet", "pack", project, "-c", "Release", "-o", folder, "-p:Version=" + version, "-nologo", "-nodeReuse:false");
            var id = project.TrimEnd('/').Split('/')[^1];
            if (!Directory.EnumerateFiles(folder, "*." + version + ".nupkg").Any())
            {
                throw new InvalidOperationException($"dotnet pack {project} wrote no package of version {version} into {folder} ({id}).");
            }
        }
    }

    /// <summary>Waits until no other process of this checkout packs, then holds that off until disposed.</summary>
    private static FileStream HoldPackLock()
    {
        var path = System.IO.Path.Combine(RepositoryRoot.Path, "artifacts", "pack.lock");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock on Unix; the kernel drops it if this process dies.
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited.Elapsed < TimeSpan.FromMinutes(10))
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Runs a command in the repository root and throws with its output when it fails.</summary>
    public static void Run(string fileName, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"'{fileName} {string.Join(' ', arguments)}' did not finish within 5 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{fileName} {string.Join(' ', arguments)}' exited with {process.ExitCode}:\n{output.Result}{error.Result}");
        }
    }
}
