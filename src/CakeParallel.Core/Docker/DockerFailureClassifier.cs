using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Classifies failed docker build attempts from docker's output: registry and network hiccups
/// (<c>TLS handshake timeout</c>, <c>i/o timeout</c>, <c>connection reset by peer</c>, 429, 5xx, <c>unexpected EOF</c>,
/// daemon not reachable) are transient; everything else, including Dockerfile parse errors, a failing <c>RUN</c> step
/// and a missing <c>COPY</c> source, is deterministic. The verdict shows in the attempt record, e.g.
/// <c>transient: TLS handshake timeout</c>.
/// </summary>
/// <remarks>
/// It never answers "unknown", so a <see cref="RetryPolicy"/> without exit codes and output patterns retries only
/// transient failures. When several lines match, the latest decides: a <c>RUN</c> step that failed after a network
/// error inside it is still a failed <c>RUN</c> step.
/// </remarks>
public sealed class DockerFailureClassifier : IFailureClassifier
{
    /// <summary>The classifier (it has no state).</summary>
    public static DockerFailureClassifier Instance { get; } = new();

    private DockerFailureClassifier()
    {
    }

    /// <inheritdoc/>
    public FailureClassification? Classify(AttemptRecord attempt, IReadOnlyList<string> outputTail) =>
        DockerFailurePatterns.Classify(outputTail, attempt.ExitCode);
}
