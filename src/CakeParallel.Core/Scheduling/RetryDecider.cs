using System.Globalization;
using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>Decides whether a finished attempt is retried, and says why in a few words.</summary>
internal sealed class RetryDecider
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    private readonly RetryPolicy _policy;
    private readonly IFailureClassifier? _classifier;
    private readonly Regex[] _patterns;

    public RetryDecider(RetryPolicy policy, IFailureClassifier? classifier)
    {
        _policy = policy;
        _classifier = classifier;
        _patterns = policy.RetryOnOutput.Select(p => new Regex(p, RegexOptions.CultureInvariant, MatchTimeout)).ToArray();
    }

    public RetryDecision Decide(AttemptRecord attempt, IReadOnlyList<string> tail)
    {
        var (retryable, reason) = Classify(attempt, tail);
        if (!retryable)
        {
            return new RetryDecision(false, reason);
        }

        if (attempt.Number >= _policy.MaxAttempts)
        {
            var left = _policy.MaxAttempts == 1 ? "MaxAttempts is 1" : $"no attempts left ({attempt.Number} of {_policy.MaxAttempts})";
            return new RetryDecision(false, $"{reason}; not retried: {left}");
        }

        return new RetryDecision(true, reason);
    }

    private (bool Retryable, string Reason) Classify(AttemptRecord attempt, IReadOnlyList<string> tail)
    {
        switch (attempt.Outcome)
        {
            case AttemptOutcome.Succeeded:
                return (false, RetryDecision.NotNeeded.Reason);
            case AttemptOutcome.Cancelled:
                return (false, "cancelled attempts are never retried");
            case AttemptOutcome.TimedOut:
                return _policy.RetryOnTimeout ? (true, "timed out; RetryOnTimeout is on") : (false, "timed out; RetryOnTimeout is off");
        }

        var code = attempt.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "none";
        if (attempt.ExitCode is { } exitCode && _policy.RetryOnExitCodes.Contains(exitCode))
        {
            return (true, $"exit code {code} is in RetryOnExitCodes");
        }

        foreach (var pattern in _patterns)
        {
            foreach (var line in tail)
            {
                if (SafeIsMatch(pattern, line))
                {
                    return (true, $"output matched RetryOnOutput /{pattern}/");
                }
            }
        }

        if (_classifier?.Classify(attempt, tail) is { } classification)
        {
            return (classification.IsTransient, classification.ToString());
        }

        if (_policy.RetryOnExitCodes.Count == 0 && _policy.RetryOnOutput.Count == 0)
        {
            return (true, $"exit code {code}; the retry policy retries any failure");
        }

        return (false, $"exit code {code} is not in RetryOnExitCodes and no RetryOnOutput pattern matched");
    }

    private static bool SafeIsMatch(Regex pattern, string line)
    {
        try
        {
            return pattern.IsMatch(line);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
