using System.Diagnostics;
using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>The outcome of a short docker client call.</summary>
internal sealed record DockerCliResult(int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Docker's own message: the last non-empty stderr line, else stdout's.</summary>
    public string Message => LastLine(StandardError) ?? LastLine(StandardOutput) ?? $"exit code {ExitCode}";

    private static string? LastLine(string text) => text.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.Length > 0);
}

/// <summary>Runs short docker client commands (version, inspect, ps, rm) for checks around the legs, with a time limit.</summary>
internal static class DockerCli
{
    public static async Task<DockerCliResult> RunAsync(DockerEndpoint endpoint, IEnumerable<string> arguments, TimeSpan limit, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(endpoint.Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in endpoint.GlobalArguments.Concat(arguments))
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in endpoint.Environment)
        {
            if (value is null)
            {
                startInfo.Environment.Remove(key);
            }
            else
            {
                startInfo.Environment[key] = value;
            }
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            return new DockerCliResult(127, "", $"cannot run '{endpoint.Executable}': {exception.Message}");
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            var why = cancellationToken.IsCancellationRequested ? "cancelled" : $"no answer within {DurationText.Format(limit)}";
            return new DockerCliResult(124, await stdout.ConfigureAwait(false), new StringBuilder(await stderr.ConfigureAwait(false)).Append('\n').Append(why).ToString());
        }

        return new DockerCliResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}
