using CakeParallel.Docker;
using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// Runs a docker build matrix: plans it with <see cref="RunPlanner.PlanAsync"/> (matrix, build settings, run
/// options, daemons) before any leg starts, then runs one <c>docker build</c> per leg on <see cref="ParallelRunner"/>.
/// </summary>
public static class DockerMatrixRunner
{
    /// <summary>Plans, checks and runs <paramref name="matrix"/>.</summary>
    /// <param name="matrix">The docker matrix; its run settings are the matrix-file layer of <see cref="RunPrecedence"/>, so they win over the defaults in <paramref name="options"/>.</param>
    /// <param name="options">The run options; relative paths resolve against the current directory when the matrix has no base directory.</param>
    /// <param name="cancellationToken">Cancels the run: running builds get the termination sequence (SIGTERM first, which the docker client needs to cancel its build).</param>
    /// <returns>The run's result: per leg the status, attempts, image id, tags and remarks.</returns>
    /// <exception cref="InvalidRunException">The input is invalid or a daemon is not reachable; every problem is listed and no leg was started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before any leg started.</exception>
    public static async Task<RunResult> RunAsync(DockerMatrix matrix, RunOptions options, CancellationToken cancellationToken = default)
    {
        var planning = await RunPlanner.PlanAsync(matrix, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        return await ParallelRunner.RunAsync(planning.GetPlanOrThrow(), cancellationToken).ConfigureAwait(false);
    }
}
