using System.Text;
using CakeParallel.Model;

namespace CakeParallel.Services;

/// <summary>
/// A service did not become ready: it could not start, exited early, timed out or was cancelled. By the time this
/// is thrown, no process of its group (nor of any other service started with it) is alive.
/// </summary>
public sealed class ServiceStartException : Exception
{
    private const int TailLinesInMessage = 10;

    /// <summary>Creates the exception from the service's failure event.</summary>
    /// <param name="failure">The <see cref="ServiceEventKind.StartFailed"/> event.</param>
    public ServiceStartException(ServiceEvent failure)
        : base(FormatMessage(failure)) => Failure = failure;

    /// <summary>The failure: service name, code, exit code, last probe error, output tail and log file.</summary>
    public ServiceEvent Failure { get; }

    /// <summary>The service's name.</summary>
    public string Service => Failure.Service;

    /// <summary>The error code (<see cref="ErrorCodes"/>).</summary>
    public string? Code => Failure.Code;

    private static string FormatMessage(ServiceEvent failure)
    {
        var text = new StringBuilder(failure.ToString());
        if (failure.LogFile is not null)
        {
            text.AppendLine().Append("  log: ").Append(failure.LogFile);
        }

        if (failure.OutputTail.Count > 0)
        {
            text.AppendLine().Append("  last output:");
            foreach (var line in failure.OutputTail.Skip(Math.Max(0, failure.OutputTail.Count - TailLinesInMessage)))
            {
                text.AppendLine().Append("    ").Append(line);
            }
        }

        return text.ToString();
    }
}
