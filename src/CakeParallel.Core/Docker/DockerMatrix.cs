using CakeParallel.Matrix;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// A docker build matrix: the matrix, the build of each leg, and optional run settings (as in a matrix file).
/// </summary>
/// <remarks>
/// Precedence: the run settings here (<see cref="MaxParallel"/>, <see cref="Timeout"/>, <see cref="Retries"/>,
/// <see cref="FailFast"/>) are the matrix-file layer (<see cref="RunOverrides"/>): what the caller sets
/// explicitly and the <c>CAKEPARALLEL_*</c> environment variables win over them, and they win over the defaults
/// (see <c>RunPrecedence</c>). Every docker leg gets the resolved retry policy, whose default is
/// <see cref="Retry"/>, else <see cref="DockerRetryPolicy.Default"/>; <see cref="RunOptions.Retry"/> does not apply.
/// </remarks>
public sealed record DockerMatrix
{
    /// <summary>The matrix whose legs are built; empty when the legs come from <see cref="Targets"/>.</summary>
    public required MatrixDefinition Matrix { get; init; }

    /// <summary>The build of each leg; with <see cref="Targets"/>, only its <see cref="DockerBuildSettings.Endpoints"/> count (each target has its own build).</summary>
    public DockerBuildSettings Build { get; init; } = new();

    /// <summary>
    /// Several named matrices built in one run, each with its own build, in the order their legs are reported;
    /// empty: the legs are <see cref="Matrix"/>'s. The run settings here (and the endpoints, the shard and
    /// <see cref="MaxLegs"/>, which counts every target's legs) apply to all of them.
    /// </summary>
    public IReadOnlyList<DockerMatrixTarget> Targets { get; init; } = [];

    /// <summary>The folder relative paths are resolved against; a loaded file sets its own folder. <see langword="null"/>: the planner's base directory.</summary>
    public string? BaseDirectory { get; init; }

    /// <summary>The most legs building at once; overrides <see cref="RunOptions.MaxParallel"/> when set.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>The timeout of each attempt; overrides <see cref="RunOptions.Timeout"/> when set.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Retries after the first attempt, of transient docker failures only (see <see cref="DockerRetryPolicy"/>);
    /// <see langword="null"/>: <see cref="DockerRetryPolicy.Default"/>'s count.
    /// </summary>
    public int? Retries { get; init; }

    /// <summary>Total attempts per leg implied by <see cref="Retries"/>, or <see langword="null"/>.</summary>
    public int? MaxAttempts => Retries + 1;

    /// <summary>The most legs the matrix may expand to (default <see cref="MatrixExpansion.DefaultMaxLegs"/>), checked before expansion.</summary>
    public int? MaxLegs { get; init; }

    /// <summary>Stop at the first failed leg; overrides <see cref="RunOptions.FailFast"/> when set.</summary>
    public bool? FailFast { get; init; }

    /// <summary>Which shard of the matrix to run (see <see cref="RunOptions.Shard"/>); the matrix-file layer of the precedence rule.</summary>
    public Shard? Shard { get; init; }

    /// <summary>The machine-wide slot pool (<c>"sharedSlots": "name:N"</c>); overrides <see cref="RunOptions.SharedSlots"/> when set.</summary>
    public SharedSlots? SharedSlots { get; init; }

    /// <summary>The memory each leg needs, in bytes (<c>"memory": "2GiB"</c>): see <see cref="LegSpec.Memory"/>.</summary>
    public long? Memory { get; init; }

    /// <summary>The retry policy of every leg; <see langword="null"/>: <see cref="DockerRetryPolicy.Default"/> with <see cref="Retries"/> applied.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>The retry policy each leg gets: <see cref="Retry"/>, else the docker default, with <see cref="Retries"/> applied when set.</summary>
    public RetryPolicy EffectiveRetry
    {
        get
        {
            var policy = Retry ?? DockerRetryPolicy.Default;
            return MaxAttempts is { } attempts ? policy with { MaxAttempts = attempts } : policy;
        }
    }

    /// <summary>
    /// Build every leg even when an image with its inputs hash exists (<c>"rebuild": true</c>); overrides
    /// <see cref="RunOptions.Rebuild"/> when set.
    /// </summary>
    public bool? Rebuild { get; init; }

    /// <summary>This matrix's run settings as the matrix-file layer of the precedence rule.</summary>
    public RunOverrides RunOverrides => new() { MaxParallel = MaxParallel, Timeout = Timeout, MaxAttempts = MaxAttempts, FailFast = FailFast, Shard = Shard, SharedSlots = SharedSlots, Rebuild = Rebuild };
}
