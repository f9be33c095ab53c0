namespace CakeParallel.Model;

/// <summary>
/// Run settings one source sets explicitly (the caller, the <c>CAKEPARALLEL_*</c> environment variables, or a
/// matrix file); <see langword="null"/> means "this source does not say". <c>RunPrecedence.Resolve</c> layers
/// them: caller, then environment, then matrix file, then the defaults.
/// </summary>
public sealed record RunOverrides
{
    /// <summary>A source that sets nothing.</summary>
    public static RunOverrides None { get; } = new();

    /// <summary>The most legs running at once.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>The timeout of each attempt.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Total attempts per leg, the first included; layered on its own, over whichever <see cref="Retry"/> wins.</summary>
    public int? MaxAttempts { get; init; }

    /// <summary>Stop at the first leg that finally fails or times out.</summary>
    public bool? FailFast { get; init; }

    /// <summary>Which shard of the matrix this run is (see <see cref="RunOptions.Shard"/>).</summary>
    public Shard? Shard { get; init; }

    /// <summary>
    /// The retry policy's details (delays, exit codes, patterns); its <see cref="RetryPolicy.MaxAttempts"/> applies
    /// only when no source sets <see cref="MaxAttempts"/>, so a source that sets the count sets both.
    /// </summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>The machine-wide slot pool (<see cref="RunOptions.SharedSlots"/>).</summary>
    public SharedSlots? SharedSlots { get; init; }

    /// <summary>Run every leg even when it is up to date (<see cref="RunOptions.Rebuild"/>).</summary>
    public bool? Rebuild { get; init; }
}
