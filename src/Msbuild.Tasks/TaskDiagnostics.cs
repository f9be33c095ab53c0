using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace CakeParallel.MSBuild;

/// <summary>
/// Writes a task's coded errors, warnings and messages, located at the task's element in the project file
/// (as MSBuild does for its own tasks). Only ever called on the thread that runs <c>Execute</c>.
/// </summary>
internal sealed class TaskDiagnostics
{
    private readonly TaskLoggingHelper _log;
    private readonly string _file;
    private readonly int _line;
    private readonly int _column;
    private readonly bool _logsNormal;
    private readonly bool _logsLow;

    public TaskDiagnostics(TaskLoggingHelper log, IBuildEngine engine)
    {
        _log = log;
        _file = engine.ProjectFileOfTaskNode;
        _line = engine.LineNumberOfTaskNode;
        _column = engine.ColumnNumberOfTaskNode;
        _logsNormal = log.LogsMessagesOfImportance(MessageImportance.Normal);
        _logsLow = log.LogsMessagesOfImportance(MessageImportance.Low);
    }

    public bool HasLoggedErrors => _log.HasLoggedErrors;

    // No message arguments are passed, so braces in leg output are never taken for format items.
    public void Error(string code, string message) => _log.LogError(null, code, null, _file, _line, _column, 0, 0, message);

    public void Warning(string code, string message) => _log.LogWarning(null, code, null, _file, _line, _column, 0, 0, message);

    public void Message(MessageImportance importance, string message) => _log.LogMessage(importance, message);

    /// <summary>
    /// Whether any logger takes messages of <paramref name="importance"/>, as the build's verbosity stood when the
    /// task started (it does not change during a build): the engine's events skip building and posting the others,
    /// which at the default (minimal) verbosity are two of every leg's messages.
    /// </summary>
    public bool Logs(MessageImportance importance) => importance switch
    {
        MessageImportance.Normal => _logsNormal,
        MessageImportance.Low => _logsLow,
        _ => true,
    };
}
