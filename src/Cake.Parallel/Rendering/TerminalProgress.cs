using System.Text;
using Cake.Core;
using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Rendering;

/// <summary>
/// A live progress display at the bottom of an interactive terminal, drawn with ANSI cursor movement through Cake's
/// console: it is erased before every line the run writes to the Cake log (see <see cref="ProgressAwareLog"/>) and
/// redrawn by a timer, so log lines scroll above it; it is erased for good when the run completes.
/// </summary>
/// <remarks>
/// Cake 7's log writes straight to <see cref="Console"/> (not through Spectre.Console, which cake.tool carries only
/// for its command line), so a Spectre live display would be torn by every log line; this display shares the log's
/// lock instead. Each line is cut to the terminal's width, so the number of rows to erase is always known.
/// </remarks>
internal sealed class TerminalProgress : IRunListener, IDisposable
{
    private const string Escape = "\u001b[";
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(200);

    private readonly Lock _gate = new();
    private readonly IConsole _console;
    private readonly ProgressBoard _board;
    private readonly Timer _timer;
    private int _drawnRows;
    private DateTimeOffset _drawnAt;
    private bool _stopped;

    private TerminalProgress(IConsole console, ProgressBoard board)
    {
        _console = console;
        _board = board;
        _timer = new Timer(_ => Redraw(), null, Tick, Tick);
    }

    /// <summary>
    /// A display when the run's output goes to an interactive terminal: Cake's console supports ANSI, standard
    /// output is not redirected, no CI system is detected, Cake is not quiet and the settings allow it; otherwise
    /// <see langword="null"/>, and the log shows plain lines only.
    /// </summary>
    public static TerminalProgress? StartIfInteractive(ICakeContext context, bool enabled)
    {
        if (!enabled || context.Log.Verbosity == Verbosity.Quiet || Console.IsOutputRedirected
            || context.ServiceProvider?.GetService(typeof(IConsole)) is not IConsole { SupportAnsiEscapeCodes: true } console)
        {
            return null;
        }

        var environment = context.Environment.GetEnvironmentVariables();
        var variables = environment.ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.Ordinal);
        if (CiAnnotations.Detect(variables) != CiSystem.None || !string.IsNullOrEmpty(context.Environment.GetEnvironmentVariable("CI")))
        {
            return null;
        }

        return new TerminalProgress(console, new ProgressBoard(TimeProvider.System));
    }

    /// <summary>Erases the display (if shown) and runs <paramref name="write"/>; the timer draws it again below.</summary>
    public void Interrupt(Action write)
    {
        lock (_gate)
        {
            Erase();
            write();
        }
    }

    public void LegQueued(LegSpec leg) => _board.LegQueued(leg);

    public void AttemptStarted(LegSpec leg, int attempt, string logFile) => _board.AttemptStarted(leg, attempt, logFile);

    public void OutputLine(LegSpec leg, OutputLine line) => _board.OutputLine(leg, line);

    public void RetryScheduled(LegSpec leg, AttemptRecord attempt) => _board.RetryScheduled(leg, attempt);

    public void LegCompleted(LegResult result) => _board.LegCompleted(result);

    /// <summary>The run is over: the display goes away before the failure tails and the summary are written.</summary>
    public void RunCompleted(RunResult result) => Stop();

    public void Dispose()
    {
        Stop();
        _timer.Dispose();
    }

    private void Stop()
    {
        lock (_gate)
        {
            _stopped = true;
            Erase();
        }
    }

    private void Redraw()
    {
        lock (_gate)
        {
            // Redraw when something changed, when a log line erased the display, or once a second for the clocks.
            if (_stopped || !_board.HasLegs || (_drawnRows > 0 && !_board.Changed && DateTimeOffset.UtcNow - _drawnAt < TimeSpan.FromSeconds(1)))
            {
                return;
            }

            var (width, height) = TerminalSize();
            var lines = _board.Lines(width, Math.Max(2, Math.Min(12, height / 3)));
            var text = new StringBuilder(EraseSequence());
            foreach (var line in lines)
            {
                text.Append(line).Append(Escape).Append("K\n");
            }

            try
            {
                _console.Write("{0}", text.ToString());
            }
            catch (IOException)
            {
                // The terminal went away (e.g. SIGHUP); a timer thread must not take the build down for a display.
                _stopped = true;
                return;
            }

            _drawnRows = lines.Count;
            _drawnAt = DateTimeOffset.UtcNow;
        }
    }

    private void Erase()
    {
        if (_drawnRows > 0)
        {
            _console.Write("{0}", EraseSequence());
            _drawnRows = 0;
        }
    }

    /// <summary>Back to the display's first row (the cursor is at the start of the row below it), then clear to the end of the screen.</summary>
    private string EraseSequence() => _drawnRows == 0 ? "" : $"\r{Escape}{_drawnRows}A{Escape}J";

    private static (int Width, int Height) TerminalSize()
    {
        try
        {
            var width = Console.WindowWidth;
            var height = Console.WindowHeight;
            return (width > 10 ? width : 80, height > 3 ? height : 24);
        }
        catch (IOException)
        {
            return (80, 24);
        }
    }
}
