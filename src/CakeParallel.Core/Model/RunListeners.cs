namespace CakeParallel.Model;

/// <summary>Passes each run event to several listeners, in the order given (as <see cref="RunOptions.Listener"/> takes one).</summary>
/// <param name="listeners">The listeners; each hears every event, after the ones before it.</param>
public sealed class RunListeners(params IRunListener[] listeners) : IRunListener
{
    /// <inheritdoc />
    public void LegQueued(LegSpec leg) => Each(l => l.LegQueued(leg));

    /// <inheritdoc />
    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Each(l => l.AttemptStarted(leg, attempt, logFile));

    /// <inheritdoc />
    public void OutputLine(LegSpec leg, OutputLine line) => Each(l => l.OutputLine(leg, line));

    /// <inheritdoc />
    public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => Each(l => l.RetryScheduled(leg, attempt));

    /// <inheritdoc />
    public void LegCompleted(LegResult result) => Each(l => l.LegCompleted(result));

    /// <inheritdoc />
    public void AdmissionNotice(AdmissionNotice notice) => Each(l => l.AdmissionNotice(notice));

    /// <inheritdoc />
    public void ServiceEvent(ServiceEvent serviceEvent) => Each(l => l.ServiceEvent(serviceEvent));

    /// <inheritdoc />
    public void RunCompleted(RunResult result) => Each(l => l.RunCompleted(result));

    private void Each(Action<IRunListener> send)
    {
        foreach (var listener in listeners)
        {
            send(listener);
        }
    }
}
