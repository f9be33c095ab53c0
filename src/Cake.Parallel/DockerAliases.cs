using Cake.Core;
using Cake.Core.Annotations;
using Cake.Core.IO;
using CakeParallel.Model;
using CakeParallel.Docker;
using CakeParallel.Runs;

[assembly: CakeNamespaceImport("CakeParallel.Docker")]
[assembly: CakeNamespaceImport("CakeParallel.Matrix")]

namespace Cake.Parallel;

/// <summary>
/// Builds a docker image per leg of a build matrix, in parallel, with timeouts, retries of transient registry and
/// network failures, and a summary with each leg's image id.
/// </summary>
[CakeAliasCategory("Docker")]
public static class DockerAliases
{
    /// <summary>
    /// Builds every leg of the matrix in <paramref name="settings"/> with <c>docker build</c>, in parallel. The
    /// matrix, the build settings and the daemon are checked before any leg starts. The docker client is
    /// <see cref="DockerMatrixSettings.ToolPath"/>, else found with Cake's tool resolution. Output, retries and the
    /// summary (with image ids) go to the Cake log; Ctrl+C terminates every build.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="settings">The matrix, the build of each leg, and the run settings.</param>
    /// <returns>The run's result: per leg the status, attempts, image id and tags, in matrix order.</returns>
    /// <exception cref="InvalidRunException">The matrix or a setting is invalid, or the daemon is not reachable; nothing was started.</exception>
    /// <exception cref="CakeException">A leg did not succeed (with ThrowOnFailure), or the run was cancelled.</exception>
    /// <example>
    /// <code>
    /// Task("Images").Does(() =>
    /// {
    ///     var result = DockerBuildMatrix(new DockerMatrixSettings { MaxParallel = 2 }
    ///         .WithAxis("node", "20", "22")
    ///         .WithAxis("os", "alpine", "bookworm")
    ///         .SetContext("./docker")
    ///         .SetDockerfile("./docker/{os}.Dockerfile")
    ///         .WithTag("myapp:{node}-{os}")
    ///         .SetTimeout(TimeSpan.FromMinutes(30)));
    ///     foreach (var leg in result.Legs)
    ///     {
    ///         Information("{0}: {1}", leg.Name, leg.ImageId);
    ///     }
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunResult DockerBuildMatrix(this ICakeContext context, DockerMatrixSettings settings)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var matrix = settings.ToDockerMatrix(context.Environment, context.ResolveDocker(settings.ToolPath, "docker"));
        return CakeRunHost.Run(context, settings, ParallelOutputMode.Steps, (options, caller, environment, token) => RunPlanner.PlanAsync(matrix, options, caller, environment, token));
    }

    /// <summary>
    /// Builds every leg of the matrix file <paramref name="matrixFile"/> (the JSON format shared with MSBuild and
    /// CI: a <c>matrix</c> block in GitHub Actions shape and a <c>build</c> block) with <c>docker build</c>, in
    /// parallel. Run settings follow the one precedence rule: what <paramref name="settings"/> assigns (MaxParallel,
    /// Timeout, Retry, FailFast) wins over the <c>CAKEPARALLEL_*</c> environment variables, which win over the
    /// file's run settings (maxParallel, timeout, retries, failFast), which win over the defaults. The docker
    /// client is resolved with Cake's tool resolution.
    /// </summary>
    /// <param name="context">The Cake context.</param>
    /// <param name="matrixFile">The matrix file, relative to the Cake working directory; paths in it are relative to the file's folder.</param>
    /// <param name="settings">Output and failure handling; defaults when <see langword="null"/>.</param>
    /// <returns>The run's result: per leg the status, attempts, image id and tags, in matrix order.</returns>
    /// <exception cref="InvalidRunException">The file or a setting is invalid (with JSON paths), or the daemon is not reachable; nothing was started.</exception>
    /// <exception cref="CakeException">A leg did not succeed (with ThrowOnFailure), or the run was cancelled.</exception>
    /// <example>
    /// <code>
    /// Task("Images").Does(() =>
    /// {
    ///     DockerBuildMatrix("./docker/matrix.json",
    ///         new ParallelSettings { OutputMode = ParallelOutputMode.Grouped, LogDirectory = "./artifacts/logs" });
    /// });
    /// </code>
    /// </example>
    [CakeMethodAlias]
    public static RunResult DockerBuildMatrix(this ICakeContext context, FilePath matrixFile, ParallelSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(matrixFile);
        var matrix = DockerMatrixFile.Load(matrixFile.MakeAbsolute(context.Environment).FullPath);
        DockerBuildSettings Resolved(DockerBuildSettings build) => build with { DockerExecutable = context.ResolveDocker(null, build.DockerExecutable) };
        matrix = matrix with { Build = Resolved(matrix.Build), Targets = [.. matrix.Targets.Select(t => t with { Build = Resolved(t.Build) })] };
        return CakeRunHost.Run(context, settings ?? new ParallelSettings(), ParallelOutputMode.Steps, (options, caller, environment, token) => RunPlanner.PlanAsync(matrix, options, caller, environment, token));
    }
}
