using System.ComponentModel;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// Ready when a command exits with code 0, e.g. <c>docker exec db pg_isready</c>. The command runs in the service's
/// working directory and environment, in a process group of its own that is terminated when the check times out.
/// </summary>
public sealed record CommandProbe : ReadinessProbe
{
    // A probe command is short-lived and disposable: no long grace period when it overruns.
    private static readonly TerminationSequence ProbeTermination = TerminationSequence.Parse("TERM,500,KILL,2000");

    /// <summary>Creates a probe that runs <paramref name="executable"/> with <paramref name="arguments"/> as argv.</summary>
    /// <param name="executable">A path, or a file name looked up on <c>PATH</c>.</param>
    /// <param name="arguments">The arguments, passed literally.</param>
    public CommandProbe(string executable, IEnumerable<string>? arguments = null)
    {
        Executable = executable;
        Arguments = arguments?.ToArray() ?? [];
    }

    /// <summary>Creates a probe that runs <paramref name="commandLine"/> through <c>/bin/sh -c</c>.</summary>
    /// <param name="commandLine">The shell command line.</param>
    public static CommandProbe Shell(string commandLine) => new("/bin/sh", ["-c", commandLine]);

    /// <summary>The program to run.</summary>
    public string Executable { get; init; }

    /// <summary>Its argv, each element literally.</summary>
    public IReadOnlyList<string> Arguments { get; init; }

    /// <inheritdoc />
    public override string Description => "command " + CommandLineDisplay.Format(Executable, Arguments);

    internal override async Task<ProbeResult> CheckAsync(ProbeContext context, CancellationToken cancellationToken)
    {
        var service = context.Service;
        var resolved = ExecutableLocator.Resolve(Executable, service.WorkingDirectory, service.EnvironmentVariables);
        if (resolved is null)
        {
            return ProbeResult.Fail($"{Description}: '{Executable}' was not found");
        }

        var platform = ProcessGroupPlatform.Current;
        var startInfo = platform.CreateStartInfo(resolved, Arguments);
        ServiceProcessStart.Apply(startInfo, service.WorkingDirectory, service.EnvironmentVariables);
        using var process = new System.Diagnostics.Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Exception exception) when (exception is Win32Exception or InvalidOperationException)
        {
            return ProbeResult.Fail($"{Description}: could not start: {exception.Message}");
        }

        process.StandardInput.Close();
        var tail = new OutputTail(5);
        using var drain = new CancellationTokenSource();
        var pumps = Task.WhenAll(
            LineSplitter.PumpAsync(process.StandardOutput.BaseStream, 4096, (ReadOnlySpan<char> line) => tail.Add(OutputStream.Stdout, line), drain.Token),
            LineSplitter.PumpAsync(process.StandardError.BaseStream, 4096, (ReadOnlySpan<char> line) => tail.Add(OutputStream.Stderr, line), drain.Token));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = true;
        }

        // Whether it overran or finished, nothing it started may outlive the check.
        await GroupTermination.TerminateAsync(platform, process.Id, ProbeTermination, () => process.HasExited).ConfigureAwait(false);
        await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await pumps.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Something outside its group holds the pipe; the exit code is all the check needs.
            await drain.CancelAsync().ConfigureAwait(false);
            try
            {
                await pumps.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Expected: the reads were abandoned on purpose.
            }
        }

        if (timedOut)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (process.ExitCode == 0)
        {
            return ProbeResult.Pass;
        }

        var lastWords = tail.LastErrorLine ?? tail.LastLine;
        return ProbeResult.Fail($"{Description}: exited with code {process.ExitCode}" + (lastWords is null ? "" : ": " + lastWords.Trim()));
    }

    internal override IEnumerable<ProbeProblem> Problems(ServiceSpec service)
    {
        if (string.IsNullOrWhiteSpace(Executable))
        {
            yield return new ProbeProblem(ErrorCodes.ExecutableNotFound, "Executable", "no executable given.");
        }
        else if (ExecutableLocator.Resolve(Executable, service.WorkingDirectory, service.EnvironmentVariables) is null)
        {
            var where = Executable.Contains('/') ? "does not exist or is not executable" : "was not found on PATH";
            yield return new ProbeProblem(ErrorCodes.ExecutableNotFound, "Executable", $"'{Executable}' {where}.");
        }
    }
}
