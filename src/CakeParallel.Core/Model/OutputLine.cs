namespace CakeParallel.Model;

/// <summary>Which stream a line of output came from.</summary>
public enum OutputStream
{
    /// <summary>Standard output.</summary>
    Stdout,

    /// <summary>Standard error.</summary>
    Stderr,
}

/// <summary>One line of a leg's output (without its newline; over-long lines arrive split into several).</summary>
/// <param name="Stream">The stream it came from.</param>
/// <param name="Text">The text, decoded as UTF-8 (invalid bytes become U+FFFD), with secret values masked.</param>
/// <param name="Timestamp">When the runner read it (UTC).</param>
public readonly record struct OutputLine(OutputStream Stream, string Text, DateTimeOffset Timestamp);
