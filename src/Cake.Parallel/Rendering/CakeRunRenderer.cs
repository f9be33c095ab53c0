using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Rendering;

/// <summary>
/// Renders a run's events into the Cake log: leg output (live with an aligned, coloured name prefix, grouped per
/// leg, or as build steps), status lines for every start, retry and end, and at the end the failed legs' output
/// tails and the summary. Docker's per-build banners are folded on the console (the leg logs keep them).
/// </summary>
/// <remarks>
/// Leg output is written at Normal verbosity, starts at Normal, retries and ends at Minimal, the failure tails and
/// the summary at Minimal; the command line and log file of each leg, and where a reused leg's result comes from,
/// at Verbose. Legs reused from an earlier run's report end before any leg starts. In
/// <see cref="ParallelOutputMode.Steps"/> a clock reports build steps that run long, so the clock's thread and the
/// runner's (which never calls a listener concurrently) share a lock.
/// </remarks>
internal sealed class CakeRunRenderer : IRunListener, IDisposable
{
    private const string Separator = " | ";
    // Most lines of a leg's attempt that are kept to replay when it fails; its log file has all of them.
    private const int ReplayLimit = 2000;
    // A step is reported once it has run this long, and again at each further interval while it runs.
    internal static readonly TimeSpan SlowStep = TimeSpan.FromSeconds(5);
    internal static readonly TimeSpan SlowStepRepeat = TimeSpan.FromSeconds(30);

    private readonly Lock _gate = new();
    private readonly ICakeLog _log;
    private readonly ParallelOutputMode _mode;
    private readonly int _defaultMaxAttempts;
    private readonly LegPalette _palette;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, List<string>> _grouped = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DockerOutputReader> _readers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LegSteps> _steps = new(StringComparer.Ordinal);
    private readonly Timer? _clock;
    private int _nameWidth;

    public CakeRunRenderer(ICakeLog log, ParallelOutputMode mode, int defaultMaxAttempts, LegPalette palette, TimeProvider time)
    {
        _log = log;
        _mode = mode;
        _defaultMaxAttempts = defaultMaxAttempts;
        _palette = palette;
        _time = time;
        if (mode == ParallelOutputMode.Steps)
        {
            _clock = new Timer(_ => ReportSlowSteps(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        }
    }

    public void LegQueued(LegSpec leg)
    {
        lock (_gate)
        {
            _nameWidth = Math.Max(_nameWidth, leg.Name.Length);
            _palette.Assign(leg.Name);
        }
    }

    public void AttemptStarted(LegSpec leg, int attempt, string logFile)
    {
        lock (_gate)
        {
            _readers[leg.Name] = new DockerOutputReader();
            if (_mode == ParallelOutputMode.Steps)
            {
                _steps[leg.Name] = new LegSteps();
            }

            if (attempt == 1)
            {
                Status(leg.Name, Verbosity.Normal, LogLevel.Information, "started");
                if (_log.Verbosity >= Verbosity.Verbose)
                {
                    Status(leg.Name, Verbosity.Verbose, LogLevel.Verbose, "command: " + leg.DisplayCommand);
                    Status(leg.Name, Verbosity.Verbose, LogLevel.Verbose, "log: " + logFile);
                }
            }
            else
            {
                Status(leg.Name, Verbosity.Normal, LogLevel.Information, $"attempt {attempt} of {MaxAttempts(leg)} started");
                if (_mode == ParallelOutputMode.Grouped && _grouped.TryGetValue(leg.Name, out var lines))
                {
                    lines.Add($"--- attempt {attempt} ---");
                }
            }
        }
    }

    public void OutputLine(LegSpec leg, OutputLine line)
    {
        if (_log.Verbosity < Verbosity.Normal)
        {
            return;
        }

        lock (_gate)
        {
            if (!_readers.TryGetValue(leg.Name, out var reader))
            {
                reader = new DockerOutputReader();
                _readers[leg.Name] = reader;
            }

            if (!reader.Read(line.Text, out var startsStep))
            {
                return;
            }

            switch (_mode)
            {
                case ParallelOutputMode.Live:
                    _log.WriteText(Verbosity.Normal, LogLevel.Information, Prefix(leg.Name) + line.Text);
                    break;
                case ParallelOutputMode.Grouped:
                    if (!_grouped.TryGetValue(leg.Name, out var lines))
                    {
                        lines = [];
                        _grouped[leg.Name] = lines;
                    }

                    lines.Add(line.Text);
                    break;
                case ParallelOutputMode.Steps when _steps.TryGetValue(leg.Name, out var steps):
                    steps.Keep(line.Text);
                    if (startsStep)
                    {
                        steps.Start(reader.CurrentStep!, _time.GetUtcNow());
                    }

                    break;
            }
        }
    }

    public void AdmissionNotice(AdmissionNotice notice)
    {
        var level = notice.Code == ErrorCodes.SharedSlotsCountDiffers ? LogLevel.Warning : LogLevel.Information;
        if (notice.Leg is null)
        {
            _log.WriteText(Verbosity.Minimal, level, $"{notice.Code}: {notice.Message}");
        }
        else
        {
            Status(notice.Leg.Name, Verbosity.Minimal, level, notice.Message);
        }
    }

    public void RetryScheduled(LegSpec leg, AttemptRecord attempt)
    {
        lock (_gate)
        {
            ReplayFailedAttempt(leg.Name);
            Status(leg.Name, Verbosity.Minimal, LogLevel.Warning, AttemptText.Retry(attempt, MaxAttempts(leg)));
        }
    }

    public void LegCompleted(LegResult result)
    {
        lock (_gate)
        {
            if (_mode == ParallelOutputMode.Grouped && _grouped.Remove(result.Name, out var lines))
            {
                _log.WriteText(Verbosity.Normal, LogLevel.Information, $"--- {_palette.Paint(result.Name, result.Name)} ({LegStatusText.Of(result.Status)}) ---");
                foreach (var line in lines)
                {
                    _log.WriteText(Verbosity.Normal, LogLevel.Information, line);
                }
            }

            if (LegText.IsFailure(result.Status))
            {
                ReplayFailedAttempt(result.Name);
            }

            _steps.Remove(result.Name);
            _readers.Remove(result.Name);
            var level = result.Status switch
            {
                LegStatus.Succeeded or LegStatus.Reused or LegStatus.UpToDate => LogLevel.Information,
                LegStatus.Failed or LegStatus.TimedOut => LogLevel.Error,
                _ => LogLevel.Warning,
            };
            var completion = LegText.Completion(result);
            if (LegText.IsFailure(result.Status))
            {
                // A failure stands out in a long log: its status word in capitals, e.g. "FAILED after 2 attempts in 3.0 s".
                var status = LegStatusText.Of(result.Status);
                completion = status.ToUpperInvariant() + completion[status.Length..];
            }

            Status(result.Name, Verbosity.Minimal, level, completion);
            if (result.Status == LegStatus.Reused)
            {
                // Which run the result comes from (its id, start and host), for tracing a reused result back.
                foreach (var remark in result.Remarks)
                {
                    Status(result.Name, Verbosity.Verbose, LogLevel.Verbose, remark);
                }
            }
        }
    }

    public void RunCompleted(RunResult result)
    {
        _clock?.Dispose();
        lock (_gate)
        {
            RunReport.Write(_log, result, _palette);
        }
    }

    public void Dispose() => _clock?.Dispose();

    /// <summary>
    /// Steps mode: one status line for each build step that has run for <see cref="SlowStep"/>, and again every
    /// <see cref="SlowStepRepeat"/> while it runs, so a long build shows where it is without its every line.
    /// </summary>
    internal void ReportSlowSteps()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            foreach (var (name, steps) in _steps)
            {
                if (steps.Current is { } step && now - steps.ReportedAt >= (steps.Reported ? SlowStepRepeat : SlowStep))
                {
                    Status(name, Verbosity.Normal, LogLevel.Information, $"step {step} (running {ProgressBoard.Elapsed(now - steps.StartedAt)})");
                    steps.Reported = true;
                    steps.ReportedAt = now;
                }
            }
        }
    }

    /// <summary>Steps mode: a failed attempt's whole output (banners folded), which the console has not shown yet.</summary>
    private void ReplayFailedAttempt(string legName)
    {
        if (_mode != ParallelOutputMode.Steps || !_steps.TryGetValue(legName, out var steps))
        {
            return;
        }

        if (steps.Dropped > 0)
        {
            _log.WriteText(Verbosity.Normal, LogLevel.Information, Prefix(legName) + $"({steps.Dropped} earlier lines are in the leg's log)");
        }

        foreach (var line in steps.Lines)
        {
            _log.WriteText(Verbosity.Normal, LogLevel.Information, Prefix(legName) + line);
        }

        steps.Clear();
    }

    private int MaxAttempts(LegSpec leg) => leg.Retry?.MaxAttempts ?? _defaultMaxAttempts;

    private void Status(string legName, Verbosity verbosity, LogLevel level, string text)
    {
        // A line the log's verbosity hides is not built: at the default verbosity that is two of a leg's four.
        if (verbosity <= _log.Verbosity)
        {
            _log.WriteText(verbosity, level, Prefix(legName) + "** " + text);
        }
    }

    private string Prefix(string legName) => _palette.Paint(legName, legName) + new string(' ', Math.Max(0, _nameWidth - legName.Length)) + Separator;

    /// <summary>A running leg in steps mode: its current step and the lines of its attempt (for a failure).</summary>
    private sealed class LegSteps
    {
        public Queue<string> Lines { get; } = new();

        public int Dropped { get; private set; }

        public BuildStep? Current { get; private set; }

        public DateTimeOffset StartedAt { get; private set; }

        public DateTimeOffset ReportedAt { get; set; }

        public bool Reported { get; set; }

        public void Keep(string line)
        {
            Lines.Enqueue(line);
            if (Lines.Count > ReplayLimit)
            {
                Lines.Dequeue();
                Dropped++;
            }
        }

        public void Clear()
        {
            Lines.Clear();
            Dropped = 0;
        }

        public void Start(BuildStep step, DateTimeOffset now)
        {
            Current = step;
            StartedAt = now;
            ReportedAt = now;
            Reported = false;
        }
    }
}
