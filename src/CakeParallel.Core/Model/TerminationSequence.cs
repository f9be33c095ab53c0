using System.Globalization;

namespace CakeParallel.Model;

/// <summary>
/// How a leg's process group is terminated: signals sent to the whole group, each followed by a wait for the
/// group to exit, like GNU parallel's <c>--termseq</c>. Used for timeouts, fail-fast and cancellation.
/// </summary>
/// <remarks>
/// The default is <c>SIGTERM</c>, a 10 s grace period (the docker CLI needs time to cancel its build), then
/// <c>SIGKILL</c>. After the last step the runner waits until no process of the group is alive.
/// </remarks>
public sealed record TerminationSequence
{
    /// <summary>Creates a sequence from its steps.</summary>
    /// <param name="steps">At least one step; the last is normally <c>SIGKILL</c>.</param>
    public TerminationSequence(IEnumerable<TerminationStep> steps) => Steps = steps.ToArray();

    /// <summary><c>SIGTERM</c>, wait 10 s, <c>SIGKILL</c>.</summary>
    public static TerminationSequence Default { get; } = WithGracePeriod(TimeSpan.FromSeconds(10));

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<TerminationStep> Steps { get; }

    /// <summary><c>SIGTERM</c>, wait <paramref name="gracePeriod"/>, <c>SIGKILL</c>.</summary>
    /// <param name="gracePeriod">How long the group may take to exit after <c>SIGTERM</c>.</param>
    public static TerminationSequence WithGracePeriod(TimeSpan gracePeriod) =>
        new([new TerminationStep("SIGTERM", gracePeriod), new TerminationStep("SIGKILL", TimeSpan.FromSeconds(5))]);

    /// <summary>
    /// Parses GNU parallel's notation: signal names and waits in milliseconds, alternating, e.g.
    /// <c>TERM,200,TERM,100,KILL,25</c>. A missing final wait defaults to 5000 ms.
    /// </summary>
    /// <param name="text">The sequence.</param>
    /// <exception cref="FormatException">The text is not a valid sequence.</exception>
    public static TerminationSequence Parse(string text)
    {
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var steps = new List<TerminationStep>();
        for (var i = 0; i < parts.Length; i += 2)
        {
            var signal = parts[i].StartsWith("SIG", StringComparison.OrdinalIgnoreCase) ? parts[i].ToUpperInvariant() : "SIG" + parts[i].ToUpperInvariant();
            if (!SignalNames.TryGetNumber(signal, out _))
            {
                throw new FormatException($"'{parts[i]}' in termination sequence '{text}' is not a signal name.");
            }

            var wait = TimeSpan.FromSeconds(5);
            if (i + 1 < parts.Length)
            {
                if (!int.TryParse(parts[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds))
                {
                    throw new FormatException($"'{parts[i + 1]}' in termination sequence '{text}' is not a wait in milliseconds.");
                }

                wait = TimeSpan.FromMilliseconds(milliseconds);
            }

            steps.Add(new TerminationStep(signal, wait));
        }

        return new TerminationSequence(steps);
    }

    /// <summary>The sequence in GNU parallel's notation, e.g. <c>TERM,10000,KILL,5000</c>.</summary>
    public override string ToString() =>
        string.Join(",", Steps.Select(s => s.Signal[3..] + "," + ((long)s.Wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)));
}

/// <summary>One step of a <see cref="TerminationSequence"/>.</summary>
/// <param name="Signal">The signal name, e.g. <c>SIGTERM</c>.</param>
/// <param name="Wait">How long to wait for the group to exit before the next step.</param>
public sealed record TerminationStep(string Signal, TimeSpan Wait);
