using System.Diagnostics;

namespace CakeParallel.Testing;

/// <summary>
/// The base image every docker test builds on, <c>local/busybox:1</c>, made when missing by the docker example's
/// own <c>examples/docker-matrix/prepare-base-image.sh</c>: one recipe for the example and all three test projects,
/// so the image has the same commands whichever test run makes it first.
/// </summary>
public static class DockerBaseImage
{
    public const string Name = "local/busybox:1";

    private static readonly Lazy<string?> Problem = new(Prepare);

    /// <summary>Makes sure the image exists (once per test run); throws with the script's output when it cannot be made.</summary>
    public static void Ensure()
    {
        if (Problem.Value is { } problem)
        {
            throw new InvalidOperationException($"Could not prepare {Name}: {problem}");
        }
    }

    private static string? Prepare()
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Path.Combine(RepositoryRoot.Path, "examples", "docker-matrix", "prepare-base-image.sh"));
        startInfo.ArgumentList.Add(Name);
        using var script = Process.Start(startInfo)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        if (!script.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            script.Kill(entireProcessTree: true);
            return "prepare-base-image.sh did not finish within 2 minutes";
        }

        return script.ExitCode == 0 ? null : $"prepare-base-image.sh exited with {script.ExitCode}: {output.Result}{error.Result}".Trim();
    }
}
