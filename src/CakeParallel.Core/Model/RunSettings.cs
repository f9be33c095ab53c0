namespace CakeParallel.Model;

/// <summary>The settings a run was made with, as its reports show them.</summary>
/// <param name="MaxParallel">The most legs running at once.</param>
/// <param name="FailFast">Whether the first final failure stopped the run.</param>
/// <param name="Timeout">The per-attempt timeout of legs that set none, or <see langword="null"/>.</param>
/// <param name="Deadline">The run's deadline, or <see langword="null"/>.</param>
/// <param name="Termination">The termination sequence in GNU parallel's notation, e.g. <c>TERM,10000,KILL,0</c>.</param>
/// <param name="Retry">
/// The retry policy the legs ran with: the one every leg had (for a docker matrix, its <c>retries</c>), or, when
/// legs had different policies (<see cref="RetryVariesByLeg"/>), the run's policy for legs that set none.
/// </param>
public sealed record RunSettings(int MaxParallel, bool FailFast, TimeSpan? Timeout, TimeSpan? Deadline, string Termination, RetryPolicy Retry)
{
    /// <summary>True when legs ran with different retry policies; then <see cref="Retry"/> is only the run's default.</summary>
    public bool RetryVariesByLeg { get; init; }

    /// <summary>The engines (endpoints) the legs ran on, each with its slot limit, in the order given; empty when the run had none.</summary>
    public IReadOnlyList<EndpointSetting> Endpoints { get; init; } = [];

    /// <summary>The settings of a run of <paramref name="legs"/> with <paramref name="options"/>, with the retry policy the legs actually had.</summary>
    /// <param name="options">The run's options.</param>
    /// <param name="legs">The run's legs (a leg's own <see cref="LegSpec.Retry"/> overrides <see cref="RunOptions.Retry"/>).</param>
    public static RunSettings Of(RunOptions options, IReadOnlyList<LegSpec> legs)
    {
        // Legs mostly share one policy object: only the distinct objects are compared by their content.
        var policies = legs.Select(l => l.Retry ?? options.Retry).Distinct(ReferenceEqualityComparer.Instance).Cast<RetryPolicy>().DistinctBy(PolicyKey).ToArray();
        return new(options.MaxParallel, options.FailFast, options.Timeout, options.Deadline, options.Termination.ToString(), policies.Length == 1 ? policies[0] : options.Retry)
        {
            RetryVariesByLeg = policies.Length > 1,
        };
    }

    // Policies are records, but their lists compare by reference; two legs with equal lists have the same policy.
    private static string PolicyKey(RetryPolicy policy) => string.Join(
        "\u001F",
        policy.MaxAttempts,
        policy.InitialDelay.Ticks,
        policy.MaxDelay.Ticks,
        policy.UseJitter,
        policy.RetryOnTimeout,
        string.Join(",", policy.RetryOnExitCodes),
        string.Join("\u001E", policy.RetryOnOutput));
}

/// <summary>One engine (endpoint) a run's legs ran on.</summary>
/// <param name="Name">The endpoint's name, as attempts and results name it.</param>
/// <param name="MaxParallel">The most legs that ran on it at once.</param>
public sealed record EndpointSetting(string Name, int MaxParallel);
