using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Tests.Scheduling;

/// <summary>The retry decision alone: a policy, an attempt record and an output tail in, a decision out.</summary>
public sealed class RetryDeciderTests
{
    private static AttemptRecord Attempt(int number, AttemptOutcome outcome, int? exitCode = 1) =>
        new(number, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(1), exitCode, null, outcome, RetryDecision.NotNeeded, "detail");

    private sealed class FixedClassifier(FailureClassification? classification) : IFailureClassifier
    {
        public FailureClassification? Classify(AttemptRecord attempt, IReadOnlyList<string> outputTail) => classification;
    }

    public static TheoryData<string, RetryPolicy, AttemptRecord, string[], bool, string> Decisions() => new()
    {
        { "any failure", new RetryPolicy { MaxAttempts = 3 }, Attempt(1, AttemptOutcome.Failed, 2), [], true, "exit code 2; the retry policy retries any failure" },
        { "last attempt", new RetryPolicy { MaxAttempts = 3 }, Attempt(3, AttemptOutcome.Failed, 2), [], false, "exit code 2; the retry policy retries any failure; not retried: no attempts left (3 of 3)" },
        { "no retries", RetryPolicy.None, Attempt(1, AttemptOutcome.Failed, 2), [], false, "exit code 2; the retry policy retries any failure; not retried: MaxAttempts is 1" },
        { "listed exit code", new RetryPolicy { MaxAttempts = 2, RetryOnExitCodes = [75] }, Attempt(1, AttemptOutcome.Failed, 75), [], true, "exit code 75 is in RetryOnExitCodes" },
        { "unlisted exit code", new RetryPolicy { MaxAttempts = 2, RetryOnExitCodes = [75] }, Attempt(1, AttemptOutcome.Failed, 1), [], false, "exit code 1 is not in RetryOnExitCodes and no RetryOnOutput pattern matched" },
        { "output pattern", new RetryPolicy { MaxAttempts = 2, RetryOnOutput = ["TLS handshake"] }, Attempt(1, AttemptOutcome.Failed, 1), ["x", "net/http: TLS handshake timeout"], true, "output matched RetryOnOutput /TLS handshake/" },
        { "killed by a signal", new RetryPolicy { MaxAttempts = 2, RetryOnExitCodes = [75] }, Attempt(1, AttemptOutcome.Failed, null), [], false, "exit code none is not in RetryOnExitCodes and no RetryOnOutput pattern matched" },
        { "timeout, off", new RetryPolicy { MaxAttempts = 2 }, Attempt(1, AttemptOutcome.TimedOut, null), [], false, "timed out; RetryOnTimeout is off" },
        { "timeout, on", new RetryPolicy { MaxAttempts = 2, RetryOnTimeout = true }, Attempt(1, AttemptOutcome.TimedOut, null), [], true, "timed out; RetryOnTimeout is on" },
        { "cancelled", new RetryPolicy { MaxAttempts = 2, RetryOnTimeout = true }, Attempt(1, AttemptOutcome.Cancelled, null), [], false, "cancelled attempts are never retried" },
    };

    [Theory]
    [MemberData(nameof(Decisions))]
    public void An_attempt_is_retried_exactly_when_the_policy_says_so(string row, RetryPolicy policy, AttemptRecord attempt, string[] tail, bool willRetry, string reason)
    {
        var decision = new RetryDecider(policy, classifier: null).Decide(attempt, tail);

        decision.WillRetry.ShouldBe(willRetry, row);
        decision.Reason.ShouldBe(reason, row);
    }

    [Fact]
    public void The_failure_classifier_decides_after_the_policys_lists_and_before_retry_any()
    {
        var policy = new RetryPolicy { MaxAttempts = 3 };
        var attempt = Attempt(1, AttemptOutcome.Failed, 1);
        var permanent = new FailureClassification(false, "Dockerfile syntax error");
        var transient = new FailureClassification(true, "registry unreachable");

        new RetryDecider(policy, new FixedClassifier(permanent)).Decide(attempt, []).ShouldBe(new RetryDecision(false, permanent.ToString()));
        new RetryDecider(policy, new FixedClassifier(transient)).Decide(attempt, []).ShouldBe(new RetryDecision(true, transient.ToString()));
        new RetryDecider(policy with { RetryOnExitCodes = [1] }, new FixedClassifier(permanent)).Decide(attempt, []).WillRetry
            .ShouldBeTrue("an exit code the policy lists is retried whatever the classifier says");
        new RetryDecider(policy, new FixedClassifier(null)).Decide(attempt, []).Reason.ShouldBe("exit code 1; the retry policy retries any failure");
    }
}
