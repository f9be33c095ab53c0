using System.Diagnostics;

namespace CakeParallel.Testing;

/// <summary>Plain docker client calls for test setup and assertions.</summary>
public static class TestDocker
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        /// <summary>Both streams, stdout first.</summary>
        public string Output => (StandardOutput + StandardError).Trim();
    }

    public static Result Run(IEnumerable<string> arguments, TimeSpan? limit = null, string? standardInputFile = null)
    {
        var startInfo = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        var list = arguments.ToList();
        if (list is ["image", "rm", ..])
        {
            // Without the untagged parents: on the classic builder those are other builds' cache (the same steps on
            // the same base, in tests running at the same time), and removing one under a build that is using it
            // fails that build with 'unable to find image "sha256:…"'.
            list.Insert(2, "--no-prune");
        }

        foreach (var argument in list)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        if (standardInputFile is not null)
        {
            using var input = File.OpenRead(standardInputFile);
            input.CopyTo(process.StandardInput.BaseStream);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit ?? TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"docker {string.Join(' ', startInfo.ArgumentList)} did not finish in time");
        }

        return new Result(process.ExitCode, stdout.Result, stderr.Result);
    }

    public static string Output(params string[] arguments)
    {
        var result = Run(arguments);
        result.ExitCode.ShouldBe(0, $"docker {string.Join(' ', arguments)} failed: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    public static bool ImageExists(string reference) => Run(["image", "inspect", reference]).ExitCode == 0;

    /// <summary>The id of <paramref name="reference"/>, or <see langword="null"/> when there is no such image.</summary>
    public static string? ImageId(string reference)
    {
        var inspect = Run(["image", "inspect", "--format", "{{.Id}}", reference]);
        return inspect.ExitCode == 0 ? inspect.StandardOutput.Trim() : null;
    }
}
