using Cake.Core.Diagnostics;

namespace Cake.Parallel.Rendering;

/// <summary>Writes text to the Cake log verbatim.</summary>
internal static class CakeLogExtensions
{
    /// <summary>
    /// Writes <paramref name="text"/> as a format argument, so braces in a leg's output are never read as format
    /// placeholders.
    /// </summary>
    public static void WriteText(this ICakeLog log, Verbosity verbosity, LogLevel level, string text) => log.Write(verbosity, level, "{0}", text);
}
