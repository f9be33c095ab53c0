namespace Cake.Parallel;

/// <summary>How the output of parallel legs appears in the Cake log.</summary>
public enum ParallelOutputMode
{
    /// <summary>Every line as it arrives, prefixed with the aligned leg name (coloured per leg when the console supports it).</summary>
    Live,

    /// <summary>Each leg's output as one block when the leg ends, like <c>make -O</c>.</summary>
    Grouped,

    /// <summary>Only status lines (start, retry, end), the failed legs' output tails and the summary.</summary>
    StatusOnly,

    /// <summary>
    /// The default for docker build matrices: status lines, a line for each build step that runs longer than 5 s
    /// (again every 30 s while it runs), and the whole output of a failed attempt when it fails. Docker's banners
    /// are folded; each leg's log file keeps every line.
    /// </summary>
    Steps,
}
