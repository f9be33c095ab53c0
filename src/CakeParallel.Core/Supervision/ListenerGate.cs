using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// Serialises calls to the run's listener (so listeners need no locking) and keeps the first exception one
/// throws, so a faulty listener cannot break supervision; the runner rethrows it after every leg has ended.
/// </summary>
internal sealed class ListenerGate(IRunListener? listener)
{
    private readonly Lock _gate = new();

    public Exception? Failure { get; private set; }

    public bool IsActive => listener is not null;

    public void Send<TState>(TState state, Action<IRunListener, TState> call)
    {
        if (listener is null)
        {
            return;
        }

        lock (_gate)
        {
            if (Failure is not null)
            {
                return;
            }

            try
            {
                call(listener, state);
            }
            catch (Exception exception)
            {
                Failure = exception;
            }
        }
    }
}
