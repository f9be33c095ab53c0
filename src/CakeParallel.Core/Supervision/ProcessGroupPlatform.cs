namespace CakeParallel.Supervision;

/// <summary>
/// The operating-system part of process-group supervision: starting a process as the leader of a new group,
/// signalling the whole group, and telling whether any member is still alive. Linux is implemented; Windows
/// (job objects) would be a second subclass.
/// </summary>
internal abstract class ProcessGroupPlatform
{
    private static readonly Lazy<ProcessGroupPlatform> CurrentPlatform = new(() =>
        PlatformRequirements.Problem() is { } problem
            ? throw new PlatformNotSupportedException(problem)
            : new PosixProcessGroupPlatform());

    public static ProcessGroupPlatform Current => CurrentPlatform.Value;

    /// <summary>
    /// Starts <paramref name="executable"/> (a resolved path) with the environment <paramref name="inherited"/> with
    /// <paramref name="changes"/> on top (a null value removes the variable; each key at most once), as the leader
    /// of a new process group whose id is its pid, its stdin, stdout and stderr our pipes.
    /// </summary>
    /// <exception cref="System.ComponentModel.Win32Exception">It could not be started (the errno's text).</exception>
    public abstract SpawnedChild Start(string executable, IReadOnlyList<string> arguments, EnvironmentBlock inherited, IReadOnlyList<KeyValuePair<string, string?>> changes, string? workingDirectory);

    /// <summary>Sends <paramref name="signal"/> to every process of the group led by <paramref name="groupId"/>.</summary>
    public abstract void SignalGroup(int groupId, int signal);

    /// <summary>Sends <paramref name="signal"/> to one process (one that left its group).</summary>
    public abstract void SignalProcess(int processId, int signal);

    /// <summary>Whether any process of the group is alive (zombies waiting to be reaped do not count).</summary>
    public abstract bool HasLiveMembers(int groupId);

    /// <summary>The ids of the group's live processes.</summary>
    public abstract IReadOnlyList<int> LiveMembers(int groupId);
}
