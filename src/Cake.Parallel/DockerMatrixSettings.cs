using Cake.Core.IO;
using CakeParallel.Docker;
using CakeParallel.Matrix;

namespace Cake.Parallel;

/// <summary>
/// A docker build matrix for <see cref="DockerAliases.DockerBuildMatrix(Cake.Core.ICakeContext, DockerMatrixSettings)"/>:
/// the matrix, the <c>docker build</c> of each leg, and the run settings of <see cref="ParallelSettings"/>.
/// </summary>
/// <remarks>
/// Retries default to the docker policy: up to 3 attempts, 2 s then 4 s apart, of transient failures only (registry
/// and network hiccups, as the docker failure classifier recognises them); set exit codes or output patterns on
/// <see cref="ParallelSettings.Retry"/> to retry more.
/// </remarks>
public sealed class DockerMatrixSettings : ParallelSettings
{
    /// <summary>Gets or sets the matrix: axes with include/exclude (GitHub Actions semantics), or an explicit list of legs.</summary>
    public MatrixDefinition Matrix { get; set; } = new();

    /// <summary>Gets or sets the <c>docker build</c> of every leg; text settings may use <c>{axis}</c> placeholders.</summary>
    public DockerBuildSettings Build { get; set; } = new();

    /// <summary>
    /// Gets or sets the folder that relative paths in <see cref="Build"/> are resolved against; itself relative to the
    /// Cake working directory, which is also the default.
    /// </summary>
    public DirectoryPath? BaseDirectory { get; set; }

    /// <summary>
    /// Gets or sets the docker client, as Cake's tool settings do; <see langword="null"/> resolves <c>docker</c>
    /// with Cake's tool resolution (the tools folder, <c>--tools</c>/<c>Tools</c> configuration, then
    /// <c>PATH</c>). Wins over <see cref="DockerBuildSettings.DockerExecutable"/> in <see cref="Build"/>.
    /// </summary>
    public FilePath? ToolPath { get; set; }

    private protected override ParallelRetrySettings NewRetrySettings()
    {
        var docker = DockerRetryPolicy.Default;
        return new ParallelRetrySettings { MaxAttempts = docker.MaxAttempts, InitialDelay = docker.InitialDelay, MaxDelay = docker.MaxDelay, UseJitter = docker.UseJitter };
    }
}
