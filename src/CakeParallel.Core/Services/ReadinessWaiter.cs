using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>How waiting for a service's readiness ended.</summary>
internal enum ReadinessVerdict
{
    /// <summary>Every probe passed.</summary>
    Ready,

    /// <summary>The service's main process exited first.</summary>
    Exited,

    /// <summary>The readiness timeout passed first.</summary>
    TimedOut,

    /// <summary>A probe to a local port was answered by a process that is not part of the service.</summary>
    Foreign,
}

/// <summary>How waiting for readiness ended, and the last probe error seen on the way.</summary>
internal readonly record struct Readiness(ReadinessVerdict Verdict, string? LastProbeError);

/// <summary>
/// Runs a service's probes in rounds until all passed (a probe that passed is not run again), the service's main
/// process exits or its readiness timeout passes; once ready, optionally keeps running them as health checks.
/// Each check has its own timeout and is raced against the main process's exit: a probe counts only while the main
/// process lives, and a probe to a local port counts only when a process of the service answered it.
/// </summary>
internal sealed class ReadinessWaiter(ServiceSpec spec, ServiceOutput output, ServiceLog log, ServiceProcesses processes)
{
    /// <summary>Waits; <paramref name="exited"/> completes when the service's main process has exited.</summary>
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

                    if (result.Value.Foreign)
                    {
                        return new Readiness(ReadinessVerdict.Foreign, result.Value.Error);
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

            return new Readiness(exited.IsCompleted ? ReadinessVerdict.Exited : ReadinessVerdict.Ready, lastError);
        }
        catch (OperationCanceledException) when (readiness.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return new Readiness(ReadinessVerdict.TimedOut, lastError);
        }
    }

    /// <summary>
    /// Once ready: runs the probes (output probes excepted) every <see cref="ServiceSpec.HealthCheckInterval"/>
    /// until <see cref="ServiceSpec.HealthCheckFailures"/> rounds in a row failed (returns the last error), the
    /// main process exits or <paramref name="stop"/> fires (returns <see langword="null"/>).
    /// </summary>
    public async Task<string?> WatchHealthAsync(Task exited, CancellationToken stop)
    {
        var probes = spec.Probes.Where(p => p is not OutputProbe).ToArray();
        if (spec.HealthCheckInterval is not { } interval || probes.Length == 0)
        {
            return null;
        }

        var failures = 0;
        while (true)
        {
            await Task.WhenAny(Task.Delay(interval, stop), exited).ConfigureAwait(false);
            if (exited.IsCompleted || stop.IsCancellationRequested)
            {
                return null;
            }

            string? error = null;
            foreach (var probe in probes)
            {
                ProbeResult? result;
                try
                {
                    result = await CheckAsync(probe, exited, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return null;
                }

                if (result is null)
                {
                    return null;
                }

                if (!result.Value.Passed)
                {
                    error = result.Value.Error;
                    break;
                }
            }

            if (error is null)
            {
                if (failures > 0)
                {
                    log.WriteNote("healthy again");
                }

                failures = 0;
                continue;
            }

            failures++;
            log.WriteNote($"health check failed ({failures} of {spec.HealthCheckFailures} in a row): {error}");
            if (failures >= spec.HealthCheckFailures)
            {
                return error;
            }
        }
    }

    /// <summary>One check, raced against the main process's exit: <see langword="null"/> when it exited first.</summary>
    private async Task<ProbeResult?> CheckAsync(ReadinessProbe probe, Task exited, CancellationToken cancellationToken)
    {
        var timeout = probe.Timeout ?? spec.ProbeTimeout;
        using var check = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        check.CancelAfter(timeout);
        var running = RunProbeAsync(probe, check.Token);
        if (await Task.WhenAny(running, exited).ConfigureAwait(false) != running || exited.IsCompleted)
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
            var result = await ProbeCheck.CheckAsync(probe, spec, output, cancellationToken).ConfigureAwait(false);
            return result.Passed && ServicePorts.Foreign(probe, processes) is { } stranger ? ProbeResult.AnsweredByStranger(stranger) : result;
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // A probe that cannot even run (a bad address, a socket error) is a failed check, not a crash.
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }
    }
}
