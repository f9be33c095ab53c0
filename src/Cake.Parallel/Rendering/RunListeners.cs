using CakeParallel.Model;

namespace Cake.Parallel.Rendering;

/// <summary>Passes each run event to several listeners, in the order given.</summary>
internal sealed class RunListeners(params IRunListener[] listeners) : IRunListener
{
    public void LegQueued(LegSpec leg) => Each(l => l.LegQueued(leg));

    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => Each(l => l.AttemptStarted(leg, attempt, logFile));

    public void OutputLine(LegSpec leg, OutputLine line) => Each(l => l.OutputLine(leg, line));

    public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => Each(l => l.RetryScheduled(leg, attempt));

    public void AdmissionNotice(AdmissionNotice notice) => Each(l => l.AdmissionNotice(notice));

    public void LegCompleted(LegResult result) => Each(l => l.LegCompleted(result));

    public void RunCompleted(RunResult result) => Each(l => l.RunCompleted(result));

    private void Each(Action<IRunListener> send)
    {
        foreach (var listener in listeners)
        {
            send(listener);
        }
    }
}
