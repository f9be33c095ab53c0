using System.Globalization;
using System.Net.Sockets;
using CakeParallel.Model;
using CakeParallel.Supervision;

namespace CakeParallel.Services;

/// <summary>The outcome of one check: passed, or failed with the reason; <paramref name="Foreign"/> when another process answered.</summary>
internal readonly record struct ProbeResult(bool Passed, string? Error, bool Foreign = false)
{
    public static ProbeResult Pass { get; } = new(true, null);

    public static ProbeResult Fail(string error) => new(false, error);

    public static ProbeResult AnsweredByStranger(string error) => new(false, error, true);
}

/// <summary>Runs one check of a <see cref="ReadinessProbe"/>, whatever its kind; a failed check explains itself.</summary>
internal static class ProbeCheck
{
    // A probe command is short-lived and disposable: no long grace period when it overruns.
    private static readonly TerminationSequence CommandTermination = TerminationSequence.Parse("TERM,500,KILL,2000");

    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromSeconds(1),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static Task<ProbeResult> CheckAsync(ReadinessProbe probe, ServiceSpec service, ServiceOutput output, CancellationToken cancellationToken) => probe switch
    {
        HttpProbe http => CheckAsync(http, cancellationToken),
        TcpProbe tcp => CheckAsync(tcp, cancellationToken),
        CommandProbe command => CheckAsync(command, service, cancellationToken),
        OutputProbe pattern => Task.FromResult(output.HasMatched(pattern.Pattern) ? ProbeResult.Pass : ProbeResult.Fail($"no output line matched /{pattern.Pattern}/ yet")),
        _ => throw new ArgumentOutOfRangeException(nameof(probe), probe, "Unknown probe kind."),
    };

    private static async Task<ProbeResult> CheckAsync(HttpProbe probe, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await Client.GetAsync(probe.Url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            var ok = probe.ExpectedStatus is { } expected ? status == expected : status is >= 200 and < 300;
            return ok
                ? ProbeResult.Pass
                : ProbeResult.Fail($"{probe.Description}: got {status.ToString(CultureInfo.InvariantCulture)} {response.ReasonPhrase}");
        }
        catch (HttpRequestException exception)
        {
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }
    }

    private static async Task<ProbeResult> CheckAsync(TcpProbe probe, CancellationToken cancellationToken)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(probe.Host, probe.Port, cancellationToken).ConfigureAwait(false);
            return ProbeResult.Pass;
        }
        catch (SocketException exception)
        {
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }
    }

    /// <summary>Runs the command in the service's directory and environment; nothing it starts outlives the check.</summary>
    private static async Task<ProbeResult> CheckAsync(CommandProbe probe, ServiceSpec service, CancellationToken cancellationToken)
    {
        var command = service.ToCommand() with
        {
            Executable = probe.Executable,
            Arguments = probe.Arguments,
            Termination = CommandTermination,
            MaxLineBytes = 4096,
            DrainTimeout = TimeSpan.FromSeconds(1),
            TailLines = 5,
        };
        SupervisedProcess process;
        try
        {
            process = SupervisedProcess.Start(command);
        }
        catch (ProcessStartException exception)
        {
            return ProbeResult.Fail($"{probe.Description}: {exception.Message}");
        }

        using (process)
        {
            var exit = await process.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (exit.Termination is not null)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            return exit.ExitCode == 0 ? ProbeResult.Pass : ProbeResult.Fail($"{probe.Description}: {exit.ExitText}{exit.LastWords}");
        }
    }
}
