using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>What docker's error lines mean: known transient causes (worth another attempt) and known deterministic ones.</summary>
internal static partial class DockerFailurePatterns
{
    private static readonly (Regex Pattern, string Reason)[] Transient =
    [
        (new(@"TLS handshake timeout", RegexOptions.IgnoreCase), "TLS handshake timeout"),
        (new(@"i/o timeout", RegexOptions.IgnoreCase), "i/o timeout"),
        (new(@"connection reset by peer", RegexOptions.IgnoreCase), "connection reset by peer"),
        (new(@"toomanyrequests|429 Too Many Requests|status(?: code)?:? 429", RegexOptions.IgnoreCase), "registry rate limit (429)"),
        (new(@"unexpected EOF", RegexOptions.IgnoreCase), "unexpected EOF"),
        (new(@"\b50[0-4] (?:Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)|unexpected (?:HTTP )?status(?: code)?:? 50[0-4]|status(?: code)?:? 50[0-4]\b", RegexOptions.IgnoreCase), "registry server error (5xx)"),
        (new(@"Cannot connect to the Docker daemon|error during connect|Is the docker daemon running", RegexOptions.IgnoreCase), "docker daemon not reachable"),
        (new(@"context deadline exceeded|request canceled while waiting for connection|Client\.Timeout exceeded", RegexOptions.IgnoreCase), "network timeout"),
        (new(@"Temporary failure in name resolution|server misbehaving", RegexOptions.IgnoreCase), "temporary DNS failure"),
        (new(@"connection refused", RegexOptions.IgnoreCase), "connection refused"),

        // Concurrent pushes of the same layers, or a registry that has not yet committed an upload it acknowledged:
        // the registry loses track of a blob for a moment, and the same push succeeds when it is made again.
        (new(@"blob (?:upload )?unknown|blob upload invalid", RegexOptions.IgnoreCase), "registry lost track of a pushed blob"),

        // The classic builder names the image of a cached step by id; one removed meanwhile (a clean-up on the same
        // engine, with its untagged parents) fails this build, and the step is built again on the next attempt.
        (new(@"unable to find image ""sha256:", RegexOptions.IgnoreCase), "an image the build was using was removed meanwhile"),
    ];

    private static readonly (Regex Pattern, string Reason)[] Deterministic =
    [
        (new(@"dockerfile parse error|unknown instruction|failed to parse dockerfile|Dockerfile parse error", RegexOptions.IgnoreCase), "Dockerfile parse error"),
        (new(@"returned a non-zero code|executor failed running|did not complete successfully: exit code", RegexOptions.IgnoreCase), "a RUN step exited non-zero"),
        (new(@"COPY failed|ADD failed|failed to compute cache key|not found in build context|no source files were specified", RegexOptions.IgnoreCase), "COPY/ADD source not found"),
        (new(@"pull access denied|repository does not exist|manifest unknown|manifest for .* not found|not found: manifest", RegexOptions.IgnoreCase), "base image not found"),
        (new(@"invalid reference format|unable to prepare context|Cannot locate specified Dockerfile|failed to read dockerfile|unknown flag|requires BuildKit|buildx component is missing|invalid argument", RegexOptions.IgnoreCase), "invalid build input"),
        (new(@"unauthorized|authentication required|denied: ", RegexOptions.IgnoreCase), "access denied"),
    ];

    /// <summary>
    /// Docker's error line in an attempt's output: the last line that reads like an error, or <see langword="null"/>.
    /// Where that line is only the <c>errors:</c> header docker writes above a registry's several errors, the errors
    /// under it are the reason: <c>errors: manifest invalid: …; blob unknown: …</c>.
    /// </summary>
    public static string? ErrorLine(IReadOnlyList<string> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = lines[i].Trim();
            if (line.Length > 0 && (ErrorPattern().IsMatch(line) || Deterministic.Any(d => d.Pattern.IsMatch(line)) || Transient.Any(t => t.Pattern.IsMatch(line))))
            {
                if (line == "errors:" && lines.Skip(i + 1).Select(l => l.Trim()).Where(l => l.Length > 0).Take(3).ToArray() is { Length: > 0 } listed)
                {
                    return "errors: " + string.Join("; ", listed);
                }

                return line;
            }
        }

        return null;
    }

    /// <summary>The verdict for an attempt: the most recent line that matches a known cause decides; otherwise deterministic.</summary>
    public static FailureClassification Classify(IReadOnlyList<string> lines, int? exitCode)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            var line = lines[i];
            foreach (var (pattern, reason) in Deterministic)
            {
                if (pattern.IsMatch(line))
                {
                    return new FailureClassification(false, reason);
                }
            }

            foreach (var (pattern, reason) in Transient)
            {
                if (pattern.IsMatch(line))
                {
                    return new FailureClassification(true, reason);
                }
            }
        }

        var code = exitCode is { } c ? $" (exit code {c})" : "";
        return new FailureClassification(false, $"not a known transient docker error{code}");
    }

    [GeneratedRegex(@"^(?:error|ERROR|Error response from daemon|failed to solve|The command '|executor failed|COPY failed|ADD failed|unable to|cannot|Cannot|invalid|denied|failed)", RegexOptions.CultureInvariant)]
    private static partial Regex ErrorPattern();
}
