namespace CakeParallel.Services;

/// <summary>
/// A check that tells whether a service is ready: <see cref="HttpProbe"/>, <see cref="TcpProbe"/>,
/// <see cref="CommandProbe"/> or <see cref="OutputProbe"/>.
/// </summary>
public abstract record ReadinessProbe
{
    private protected ReadinessProbe()
    {
    }

    /// <summary>How long one check may take; overrides <see cref="ServiceSpec.ProbeTimeout"/> when set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>What the probe checks, for logs and error messages, e.g. <c>HTTP GET http://127.0.0.1:5000/v2/</c>.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the check once; a failed check explains itself in <see cref="ProbeResult.Error"/>.</summary>
    internal abstract Task<ProbeResult> CheckAsync(ProbeContext context, CancellationToken cancellationToken);

    /// <summary>Problems with the probe's settings, each with the field (relative to the probe) at fault.</summary>
    internal abstract IEnumerable<ProbeProblem> Problems(ServiceSpec service);
}

/// <summary>The outcome of one check: passed, or failed with the reason.</summary>
internal readonly record struct ProbeResult(bool Passed, string? Error)
{
    public static ProbeResult Pass { get; } = new(true, null);

    public static ProbeResult Fail(string error) => new(false, error);
}

/// <summary>One problem with a probe's settings, found before the service starts.</summary>
internal readonly record struct ProbeProblem(string Code, string Field, string Message);
