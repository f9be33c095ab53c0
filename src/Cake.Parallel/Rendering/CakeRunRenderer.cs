using Cake.Core.Diagnostics;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace Cake.Parallel.Rendering;

/// <summary>
/// Renders a run's events into the Cake log: leg output (live with an aligned, coloured name prefix, or grouped per
/// leg), status lines for every start, retry and end, and at the end the failed legs' output tails and the summary.
/// </summary>
/// <remarks>
/// Leg output is written at Normal verbosity, starts at Normal, retries and ends at Minimal, the failure tails and
/// the summary at Minimal; the command line and log file of each leg, and where a reused leg's result comes from,
/// at Verbose. Legs reused from an earlier run's report end before any leg starts.
/// </remarks>
internal sealed class CakeRunRenderer : IRunListener
{
    private const string Separator = " | ";

    private readonly ICakeLog _log;
    private readonly ParallelOutputMode _mode;
    private readonly int _defaultMaxAttempts;
    private readonly LegPalette _palette;
    private readonly Dictionary<string, List<string>> _grouped = new(StringComparer.Ordinal);
    private int _nameWidth;

    public CakeRunRenderer(ICakeLog log, ParallelOutputMode mode, int defaultMaxAttempts, LegPalette palette)
    {
        _log = log;
        _mode = mode;
        _defaultMaxAttempts = defaultMaxAttempts;
        _palette = palette;
    }

    public void LegQueued(LegSpec leg)
    {
        _nameWidth = Math.Max(_nameWidth, leg.Name.Length);
        _palette.Assign(leg.Name);
    }

    public void AttemptStarted(LegSpec leg, int attempt, string logFile)
    {
        if (attempt == 1)
        {
            Status(leg.Name, Verbosity.Normal, LogLevel.Information, "started");
            Status(leg.Name, Verbosity.Verbose, LogLevel.Verbose, "command: " + leg.DisplayCommand);
            Status(leg.Name, Verbosity.Verbose, LogLevel.Verbose, "log: " + logFile);
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

    public void OutputLine(LegSpec leg, OutputLine line)
    {
        if (_log.Verbosity < Verbosity.Normal)
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
        Status(leg.Name, Verbosity.Minimal, LogLevel.Warning, AttemptText.Retry(attempt, MaxAttempts(leg)));
    }

    public void LegCompleted(LegResult result)
    {
        if (_mode == ParallelOutputMode.Grouped && _grouped.Remove(result.Name, out var lines))
        {
            _log.WriteText(Verbosity.Normal, LogLevel.Information, $"--- {_palette.Paint(result.Name, result.Name)} ({LegStatusText.Of(result.Status)}) ---");
            foreach (var line in lines)
            {
                _log.WriteText(Verbosity.Normal, LogLevel.Information, line);
            }
        }

        var level = result.Status switch
        {
            LegStatus.Succeeded or LegStatus.Reused => LogLevel.Information,
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

    public void RunCompleted(RunResult result) => RunReport.Write(_log, result, _palette);

    private int MaxAttempts(LegSpec leg) => leg.Retry?.MaxAttempts ?? _defaultMaxAttempts;

    private void Status(string legName, Verbosity verbosity, LogLevel level, string text) =>
        _log.WriteText(verbosity, level, Prefix(legName) + "** " + text);

    private string Prefix(string legName) => _palette.Paint(legName, legName) + new string(' ', Math.Max(0, _nameWidth - legName.Length)) + Separator;
}
