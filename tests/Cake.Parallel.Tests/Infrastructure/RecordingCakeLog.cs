using System.Globalization;
using Cake.Core.Diagnostics;

namespace Cake.Parallel.Tests.Infrastructure;

/// <summary>
/// A Cake log that keeps what Cake would show at its verbosity, formatted as Cake formats it, line by line (an
/// entry of several lines, like the summary table, shows as that many lines).
/// </summary>
internal sealed class RecordingCakeLog : ICakeLog
{
    private readonly List<(LogLevel Level, string Text)> _entries = [];

    public RecordingCakeLog(Verbosity verbosity = Verbosity.Normal) => Verbosity = verbosity;

    public Verbosity Verbosity { get; set; }

    public IReadOnlyList<string> Lines => _entries.Select(e => e.Text).ToArray();

    public IReadOnlyList<string> LinesAt(LogLevel level) => _entries.Where(e => e.Level == level).Select(e => e.Text).ToArray();

    public void Write(Verbosity verbosity, LogLevel level, string format, params object[] args)
    {
        if (verbosity <= Verbosity)
        {
            var text = args.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, args);
            _entries.AddRange(text.Split(Environment.NewLine).Select(line => (level, line)));
        }
    }
}
