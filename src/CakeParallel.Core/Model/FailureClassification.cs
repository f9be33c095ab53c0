namespace CakeParallel.Model;

/// <summary>Classifies failed attempts of a kind of leg (for example docker builds) as transient or deterministic.</summary>
public interface IFailureClassifier
{
    /// <summary>
    /// Classifies a failed or timed-out attempt from its output tail. Returns <see langword="null"/> when the
    /// failure is not recognised, so the leg's <see cref="RetryPolicy"/> decides.
    /// </summary>
    /// <param name="attempt">The attempt (its <see cref="AttemptRecord.Decision"/> is not yet set).</param>
    /// <param name="outputTail">The attempt's last output lines, oldest first.</param>
    FailureClassification? Classify(AttemptRecord attempt, IReadOnlyList<string> outputTail);
}

/// <summary>The verdict of an <see cref="IFailureClassifier"/>.</summary>
/// <param name="IsTransient">True when another attempt may succeed.</param>
/// <param name="Reason">The recognised cause, e.g. <c>TLS handshake timeout</c>.</param>
public sealed record FailureClassification(bool IsTransient, string Reason)
{
    /// <summary>The classification as it appears in attempt records: <c>transient: …</c> or <c>deterministic: …</c>.</summary>
    public override string ToString() => (IsTransient ? "transient: " : "deterministic: ") + Reason;
}
