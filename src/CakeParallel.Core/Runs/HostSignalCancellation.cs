using System.Runtime.InteropServices;

namespace CakeParallel.Runs;

/// <summary>
/// Turns SIGINT, SIGTERM and SIGHUP of the host process into cancellation of a run, while registered.
/// </summary>
/// <remarks>
/// Legs run in their own sessions, so Ctrl+C at the terminal no longer reaches them by itself. A host (the Cake
/// addin, a console tool) registers this for the duration of a run: the signal cancels the run, whose legs are
/// then terminated with the termination sequence, and the host process is not terminated by the signal itself,
/// so it can report. Disposing restores the default behaviour.
/// </remarks>
/// <example>
/// <code>
/// using var cancellation = new CancellationTokenSource();
/// using var signals = HostSignalCancellation.Register(cancellation);
/// var result = await ParallelRunner.RunAsync(legs, options, cancellation.Token);
/// </code>
/// </example>
public sealed class HostSignalCancellation : IDisposable
{
    private readonly PosixSignalRegistration[] _registrations;
    private int _received;

    private HostSignalCancellation(CancellationTokenSource cancellation)
    {
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, context => OnSignal(context, cancellation)),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => OnSignal(context, cancellation)),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => OnSignal(context, cancellation)),
        ];
    }

    /// <summary>The first signal received while registered, e.g. <c>SIGINT</c>, or <see langword="null"/>.</summary>
    public string? ReceivedSignal { get; private set; }

    /// <summary>Cancels <paramref name="cancellation"/> when the host receives SIGINT, SIGTERM or SIGHUP, until disposed.</summary>
    /// <param name="cancellation">The source whose token the run observes.</param>
    public static HostSignalCancellation Register(CancellationTokenSource cancellation) => new(cancellation);

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }
    }

    private void OnSignal(PosixSignalContext context, CancellationTokenSource cancellation)
    {
        // Keep the host alive: it must terminate the legs and report before it exits.
        context.Cancel = true;
        if (Interlocked.Exchange(ref _received, 1) == 0)
        {
            ReceivedSignal = context.Signal switch
            {
                PosixSignal.SIGINT => "SIGINT",
                PosixSignal.SIGTERM => "SIGTERM",
                PosixSignal.SIGHUP => "SIGHUP",
                _ => context.Signal.ToString(),
            };
            try
            {
                cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The run already ended.
            }
        }
    }
}
