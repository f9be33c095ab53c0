using CakeParallel.Docker;
using CakeParallel.Model;

namespace CakeParallel.Runs;

/// <summary>
/// Runs a docker build matrix: validates everything (matrix, build settings, run options) and checks that the
/// daemon answers before any leg starts, then runs one <c>docker build</c> per leg on <see cref="ParallelRunner"/>.
/// </summary>
public static class DockerMatrixRunner
{
    /// <summary>Plans, checks and runs <paramref name="matrix"/>.</summary>
    /// <param name="matrix">The docker matrix; its run settings win over <paramref name="options"/> (see <see cref="DockerMatrix"/>).</param>
    /// <param name="options">The run options; relative paths resolve against the current directory when the matrix has no base directory.</param>
    /// <param name="cancellationToken">Cancels the run: running builds get the termination sequence (SIGTERM first, which the docker client needs to cancel its build).</param>
    /// <returns>The run's result: per leg the status, attempts, image id, tags and remarks.</returns>
    /// <exception cref="InvalidRunException">The input is invalid or a daemon is not reachable; every problem is listed and no leg was started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before any leg started.</exception>
    public static async Task<RunResult> RunAsync(DockerMatrix matrix, RunOptions options, CancellationToken cancellationToken = default)
    {
        var plan = DockerMatrixPlanner.PlanLegs(matrix, matrix.BaseDirectory ?? Directory.GetCurrentDirectory());
        var runOptions = matrix.ApplyTo(options);
        var specs = plan.Legs.Select(l => l.Spec).ToArray();
        var errors = new List<ValidationError>(plan.Errors);
        var runErrors = RunValidator.Validate(specs, runOptions)
            .Where(e => !(e.Code == ErrorCodes.NoLegs && plan.Errors.Count > 0))
            .ToArray();
        errors.AddRange(runErrors.Where(e => !plan.Errors.Any(p => p.Code == e.Code && p.Leg == e.Leg)));
        var missingClients = runErrors.Where(e => e.Code == ErrorCodes.ExecutableNotFound).Select(e => e.Leg).ToHashSet();
        errors.AddRange(await DockerDaemonCheck.CheckAsync(plan.Legs.Where(l => !missingClients.Contains(l.Spec.Name)), cancellationToken).ConfigureAwait(false));

        // A daemon check cut short by cancellation says nothing about the daemon.
        cancellationToken.ThrowIfCancellationRequested();
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        return await ParallelRunner.RunAsync(specs, runOptions, cancellationToken).ConfigureAwait(false);
    }
}
