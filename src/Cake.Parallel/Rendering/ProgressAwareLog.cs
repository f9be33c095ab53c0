using Cake.Core.Diagnostics;

namespace Cake.Parallel.Rendering;

/// <summary>The Cake log, with the live progress display erased before each line that will show, so lines scroll above it.</summary>
internal sealed class ProgressAwareLog(ICakeLog log, TerminalProgress progress) : ICakeLog
{
    public Verbosity Verbosity
    {
        get => log.Verbosity;
        set => log.Verbosity = value;
    }

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (verbosity <= log.Verbosity)
        {
            progress.Interrupt(() => log.Write(verbosity, level, format, args));
        }
    }
}
