using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// The run-wide stop signal: host cancellation, fail-fast or the run deadline, whichever comes first.
/// The first cause wins, so every leg is told the same story.
/// </summary>
internal sealed class RunStop : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly CancellationTokenRegistration _hostRegistration;
    private readonly TimeSpan? _deadline;
    private readonly Timer? _deadlineTimer;
    private int _cause;
    private string? _failedLeg;
    private string? _serviceFailure;

    public RunStop(CancellationToken hostToken, TimeSpan? deadline)
    {
        _deadline = deadline;
        _hostRegistration = hostToken.Register(static s => ((RunStop)s!).Stop(StopCause.HostCancelled), this);
        if (deadline is { } d)
        {
            _deadlineTimer = new Timer(static s => ((RunStop)s!).Stop(StopCause.RunDeadline), this, d, Timeout.InfiniteTimeSpan);
        }
    }

    public CancellationToken Token => _source.Token;

    public StopCause Cause => (StopCause)Volatile.Read(ref _cause);

    public bool IsStopped => Cause != StopCause.None;

    public void FailFast(string legName)
    {
        if (Interlocked.CompareExchange(ref _failedLeg, legName, null) is null)
        {
            Stop(StopCause.FailFast);
        }
    }

    /// <summary>A service of the run died or turned unhealthy (and that fails the run): stop with its story.</summary>
    public void ServiceFailed(string failure)
    {
        if (Interlocked.CompareExchange(ref _serviceFailure, failure, null) is null)
        {
            Stop(StopCause.ServiceFailed);
        }
    }

    public string Describe() => Cause switch
    {
        StopCause.HostCancelled => "cancelled by the host (Ctrl+C, a signal or Cancel())",
        StopCause.FailFast => $"cancelled because leg '{_failedLeg}' failed and FailFast is on",
        StopCause.RunDeadline => $"the run's deadline of {DurationText.Format(_deadline ?? TimeSpan.Zero)} passed",
        StopCause.ServiceFailed => "cancelled because a service failed: " + _serviceFailure,
        _ => "not stopped",
    };

    public void Dispose()
    {
        _hostRegistration.Dispose();
        _deadlineTimer?.Dispose();
        _source.Dispose();
    }

    private void Stop(StopCause cause)
    {
        if (Interlocked.CompareExchange(ref _cause, (int)cause, (int)StopCause.None) == (int)StopCause.None)
        {
            try
            {
                _source.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run already ended; nothing is left to stop.
            }
        }
    }
}
