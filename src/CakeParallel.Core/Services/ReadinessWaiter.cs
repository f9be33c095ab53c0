using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>How waiting for a service's readiness ended.</summary>
internal enum ReadinessVerdict
{
    /// <summary>Every probe passed.</summary>
    Ready,

    /// <summary>The service's process exited first.</summary>
    Exited,

    /// <summary>The readiness timeout passed first.</summary>
    TimedOut,
}

/// <summary>How waiting for readiness ended, and the last probe error seen on the way.</summary>
internal readonly record struct Readiness(ReadinessVerdict Verdict, string? LastProbeError);

/// <summary>
/// Runs a service's probes in rounds until all passed (a probe that passed is not run again), the service exits or
/// its readiness timeout passes. Each check has its own timeout and is raced against the service's exit.
/// </summary>
internal sealed class ReadinessWaiter(ServiceSpec spec, ServiceOutput output, LegLog log)
{
    /// <summary>Waits; <paramref name="exited"/> completes when the service's process has exited.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<Readiness> WaitAsync(Task exited, CancellationToken cancellationToken)
    {
        using var readiness = new CancellationTokenSource(spec.ReadinessTimeout);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, readiness.Token);
        var pending = spec.Probes.ToList();
        string? lastError = null;
        try
        {
            while (pending.Count > 0)
            {
                for (var i = 0; i < pending.Count;)
                {
                    var result = await CheckAsync(pending[i], exited, linked.Token).ConfigureAwait(false);
                    if (result is null)
                    {
                        return new Readiness(ReadinessVerdict.Exited, lastError);
                    }

                    if (result.Value.Passed)
                    {
                        log.WriteNote("probe passed: " + pending[i].Description);
                        pending.RemoveAt(i);
                    }
                    else
                    {
                        if (result.Value.Error != lastError)
                        {
                            log.WriteNote("not ready: " + result.Value.Error);
                        }

                        lastError = result.Value.Error;
                        i++;
                    }
                }

                if (pending.Count > 0)
                {
                    await Task.WhenAny(Task.Delay(spec.ProbeInterval, linked.Token), exited).ConfigureAwait(false);
                    if (exited.IsCompleted)
                    {
                        return new Readiness(ReadinessVerdict.Exited, lastError);
                    }

                    linked.Token.ThrowIfCancellationRequested();
                }
            }

            return new Readiness(ReadinessVerdict.Ready, lastError);
        }
        catch (OperationCanceledException) when (readiness.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Readiness(ReadinessVerdict.TimedOut, lastError);
        }
    }

    /// <summary>One check, raced against the service's exit: <see langword="null"/> when the service exited first.</summary>
    private async Task<ProbeResult?> CheckAsync(ReadinessProbe probe, Task exited, CancellationToken cancellationToken)
    {
        var timeout = probe.Timeout ?? spec.ProbeTimeout;
        using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        check.CancelAfter(timeout);
        var running = RunProbeAsync(probe, check.Token);
        if (await Task.WhenAny(running, exited).ConfigureAwait(false) != running)
        {
            await check.CancelAsync().ConfigureAwait(false);
            await ((Task)running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return null;
        }

        try
        {
            return await running.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeResult.Fail($"{probe.Description}: no answer within {DurationText.Format(timeout)}");
        }
    }

    private async Task<ProbeResult> RunProbeAsync(ReadinessProbe probe, CancellationToken cancellationToken)
    {
        try
        {
            return await ProbeCheck.CheckAsync(probe, spec, output, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe that cannot even run (a bad address, a socket error) is a failed check, not a crash.
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }
    }
}
