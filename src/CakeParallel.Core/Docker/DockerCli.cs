using System.Text;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Docker;

/// <summary>The outcome of a short docker client call.</summary>
internal sealed record DockerCliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Docker's own message: the last non-empty stderr line, else stdout's.</summary>
    public string Message => LastLine(StandardError) ?? LastLine(StandardOutput) ?? $"exit code {ExitCode}";

    private static string? LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
}

/// <summary>
/// Runs short docker client commands (version, inspect, ps, rm) for checks around the legs, each as a supervised
/// process in a group of its own, terminated when it does not answer in time.
/// </summary>
internal static class DockerCli
{
    // A client call that overruns has nothing to save: a short grace period, then SIGKILL.
    private static readonly TerminationSequence Termination = TerminationSequence.Parse("TERM,500,KILL,2000");

    public static Task<DockerCliResult> RunAsync(DockerEndpoint endpoint, IEnumerable<string> arguments, TimeSpan limit, CancellationToken cancellationToken) =>
        RunAsync(new ProcessCommand(endpoint.Executable, [.. endpoint.GlobalArguments, .. arguments]) { Environment = endpoint.Environment }, null, limit, cancellationToken);

    /// <summary>Runs a short client command (the docker client, or a program of its own such as a credential helper), with <paramref name="input"/> as its whole stdin.</summary>
    public static async Task<DockerCliResult> RunAsync(ProcessCommand client, string? input, TimeSpan limit, CancellationToken cancellationToken)
    {
        var command = client with { Termination = Termination, KeepStandardInput = input is not null };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        SupervisedProcess process;
        try
        {
            process = SupervisedProcess.Start(command, (stream, line) =>
            {
                var text = stream == OutputStream.Stdout ? stdout : stderr;
                lock (text)
                {
                    text.Append(line).Append('\n');
                }
            });
        }
        catch (ProcessStartException exception)
        {
            return new DockerCliResult(127, "", exception.Message);
        }

        using (process)
        {
            if (process.StandardInput is { } stdin)
            {
                try
                {
                    await stdin.WriteAsync(Encoding.UTF8.GetBytes(input!), cancellationToken).ConfigureAwait(false);
                }
                catch (IOException)
                {
                    // It exited without reading its input: its exit code and output say why.
                }
                finally
                {
                    await stdin.DisposeAsync().ConfigureAwait(false);
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            var exit = await process.WaitAsync(timeout.Token).ConfigureAwait(false);
            if (exit.Termination is not null)
            {
                var why = cancellationToken.IsCancellationRequested ? "cancelled" : $"no answer within {DurationText.Format(limit)}";
                return new DockerCliResult(124, stdout.ToString(), stderr.Append(why).ToString());
            }

            return new DockerCliResult(exit.ExitCode, stdout.ToString(), stderr.ToString());
        }
    }
}
