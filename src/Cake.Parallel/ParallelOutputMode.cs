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
}
