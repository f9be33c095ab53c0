using System.Collections;
using System.Collections.Concurrent;
using Microsoft.Build.Framework;

namespace CakeParallel.MSBuild.Tests;

/// <summary>
/// A build engine for unit tests: records every event with the thread that logged it, counts Yield/Reacquire,
/// and notes events logged after the test declared Execute finished. Like MSBuild, it tells tasks which message
/// importances its loggers take (all of them unless <see cref="LeastImportanceLogged"/> says otherwise).
/// </summary>
internal sealed class RecordingBuildEngine : IBuildEngine10
{
    private readonly ConcurrentQueue<LoggedEvent> _events = new();
    private volatile bool _executeReturned;

    public IReadOnlyList<LoggedEvent> Events => _events.ToArray();

    public IEnumerable<BuildErrorEventArgs> Errors => Events.Select(e => e.Args).OfType<BuildErrorEventArgs>();

    public IEnumerable<BuildWarningEventArgs> Warnings => Events.Select(e => e.Args).OfType<BuildWarningEventArgs>();

    public IEnumerable<BuildMessageEventArgs> Messages => Events.Select(e => e.Args).OfType<BuildMessageEventArgs>();

    public int YieldCount { get; private set; }

    public int ReacquireCount { get; private set; }

    public bool IsYielded { get; private set; }

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 12;

    public int ColumnNumberOfTaskNode => 5;

    public string ProjectFileOfTaskNode => "/src/consumer.proj";

    public bool IsRunningMultipleNodes => false;

    /// <summary>The least important messages a logger takes: <see cref="MessageImportance.High"/> is minimal verbosity.</summary>
    public MessageImportance LeastImportanceLogged { get; set; } = MessageImportance.Low;

    public EngineServices EngineServices => new Services(this);

    public bool AllowFailureWithoutError { get; set; }

    /// <summary>Call right after Execute returned; anything logged later is a bug (MSBuild would drop it).</summary>
    public void MarkExecuteReturned() => _executeReturned = true;

    public void LogErrorEvent(BuildErrorEventArgs e) => Record(e);

    public void LogWarningEvent(BuildWarningEventArgs e) => Record(e);

    public void LogMessageEvent(BuildMessageEventArgs e) => Record(e);

    public void LogCustomEvent(CustomBuildEventArgs e) => Record(e);

    public void Yield()
    {
        YieldCount++;
        IsYielded = true;
    }

    public void Reacquire()
    {
        ReacquireCount++;
        IsYielded = false;
    }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) => throw new NotSupportedException();

    public object GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => throw new NotSupportedException();

    public object UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => throw new NotSupportedException();

    public void LogTelemetry(string eventName, IDictionary<string, string> properties) => throw new NotSupportedException();

    public IReadOnlyDictionary<string, string> GetGlobalProperties() => new Dictionary<string, string>();

    public bool ShouldTreatWarningAsError(string warningCode) => false;

    public int RequestCores(int requestedCores) => throw new NotSupportedException();

    public void ReleaseCores(int coresToRelease) => throw new NotSupportedException();

    private void Record(BuildEventArgs e) => _events.Enqueue(new LoggedEvent(e, Environment.CurrentManagedThreadId, IsYielded, _executeReturned));
}

internal sealed class Services(RecordingBuildEngine engine) : EngineServices
{
    public override bool LogsMessagesOfImportance(MessageImportance importance) => importance <= engine.LeastImportanceLogged;
}

/// <summary>One recorded event: who logged it, whether the node was yielded, and whether Execute had already returned.</summary>
internal sealed record LoggedEvent(BuildEventArgs Args, int ThreadId, bool WhileYielded, bool AfterExecuteReturned);
