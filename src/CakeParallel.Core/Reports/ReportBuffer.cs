using System.Text;
using CakeParallel.Scheduling;

namespace CakeParallel.Reports;

/// <summary>
/// Moves a report's rendered text from its builder to the output once the builder has grown, so a report of
/// thousands of legs is written as it is rendered and never held whole in memory.
/// </summary>
internal static class ReportBuffer
{
    private const int SpillChars = 32 * 1024;

    /// <summary>
    /// Writes the builder's text out and empties it, if it holds enough to be worth a write; called after each leg,
    /// it also keeps the rendering's garbage within <see cref="YoungGenerationBound"/>.
    /// </summary>
    public static void Spill(StringBuilder text, TextWriter output)
    {
        YoungGenerationBound.Check();
        if (text.Length >= SpillChars)
        {
            Flush(text, output);
        }
    }

    /// <summary>Writes the builder's text out and empties it.</summary>
    public static void Flush(StringBuilder text, TextWriter output)
    {
        output.Write(text);
        text.Clear();
    }
}
