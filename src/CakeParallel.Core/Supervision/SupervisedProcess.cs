using System.ComponentModel;
using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>Receives one output line, secrets already masked; the span is only valid during the call.</summary>
internal delegate void ProcessLineHandler(OutputStream stream, ReadOnlySpan<char> line);

/// <summary>
/// Receives one or more complete output lines of one stream as valid UTF-8, secrets already masked, each ending with
/// <c>\n</c> (a <c>\r</c> just before it belongs to the line end, not to the line); the span is only valid during the call.
/// </summary>
internal delegate void ProcessUtf8LinesHandler(OutputStream stream, ReadOnlySpan<byte> lines);

/// <summary>
/// One process run as the leader of its own process group: stdin closed, both output streams read concurrently
/// into bounded lines, secrets masked. When the main process exits, whatever it left in its group is terminated
/// too, and output is read until the pipes close or the drain timeout passes; then <see cref="Exited"/> completes.
/// The only place the engine starts a process.
/// </summary>
internal sealed class SupervisedProcess : IDisposable, ILineReceiver
{
    private readonly ProcessCommand _command;
    private readonly Task<int> _exitCode;
    private readonly TaskCompletionSource _mainExitedSource = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SafePipeHandle _standardOutput;
    private readonly SafePipeHandle _standardError;
    private readonly ProcessGroupPlatform _platform;
    private readonly SecretMask? _mask;
    private readonly ProcessLineHandler? _onLine;
    private readonly ProcessUtf8LinesHandler? _onUtf8Lines;
    private LineText? _stdoutText;
    private LineText? _stderrText;
    private readonly long _startTimestamp;
    private readonly Lock _gate = new();
    private readonly string? _marker;
    private Task<TerminationReport>? _termination;
    private bool _mainExited;

    private SupervisedProcess(ProcessCommand command, SpawnedChild child, ProcessGroupPlatform platform, ProcessLineHandler? onLine, ProcessUtf8LinesHandler? onUtf8Line, DateTimeOffset startedAt, long startTimestamp, string? marker)
    {
        _command = command;
        _marker = marker;
        _platform = platform;
        _onLine = onLine;
        _onUtf8Lines = onUtf8Line;
        _startTimestamp = startTimestamp;
        _mask = command.SecretValues.Count > 0 ? new SecretMask(command.SecretValues) : null;
        StartedAt = startedAt;
        ProcessId = child.ProcessId;
        Tail = new OutputTail(command.TailLines);
        _exitCode = ChildReaper.WaitForExitAsync(child.ProcessFd);
        MainExited = _mainExitedSource.Task;
        if (command.KeepStandardInput)
        {
            // A plain file stream writes with write(2); a pipe stream would bring up the runtime's socket engine (a
            // thread, and some tens of milliseconds the first time, while the keeper must hear of each process at once).
            StandardInput = new FileStream(new SafeFileHandle(child.StandardInput, ownsHandle: true), FileAccess.Write, bufferSize: 0);
        }
        else
        {
            _ = PosixSpawn.Close(child.StandardInput);
        }

        _standardOutput = child.StandardOutput;
        _standardError = child.StandardError;

        if (marker is not null)
        {
            RunnerKeeper.Current.Watch(ProcessId, command.Termination);
        }

        Exited = WatchAsync(ReadOutput(command));
    }

    /// <summary>The main process's id, which is also its process group's id.</summary>
    public int ProcessId { get; }

    /// <summary>When the process was started (UTC).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>The last output lines so far, secrets masked.</summary>
    public OutputTail Tail { get; }

    /// <summary>The process's stdin when <see cref="ProcessCommand.KeepStandardInput"/> is set; else <see langword="null"/>.</summary>
    public Stream? StandardInput { get; }

    /// <summary>
    /// The value of <see cref="EscapedProcesses.MarkerVariable"/> every descendant of this process inherits (also
    /// after it left the group); <see langword="null"/> for an unguarded process.
    /// </summary>
    public string? Marker => _marker;

    /// <summary>Completes as soon as the main process has exited, before its group is cleared and its output read.</summary>
    public Task MainExited { get; }

    /// <summary>Whether the main process has exited (its group and output may still be being cleared).</summary>
    public bool HasExited => _exitCode.IsCompleted;

    /// <summary>Completes when the main process has exited, its group is gone and its output is read.</summary>
    public Task<ProcessExit> Exited { get; }

    /// <summary>Starts <paramref name="command"/> in a process group of its own.</summary>
    /// <param name="command">What to run.</param>
    /// <param name="onLine">Receives every output line (called from both stream readers, possibly at once).</param>
    /// <exception cref="ProcessStartException">The executable was not found or could not be executed.</exception>
    public static SupervisedProcess Start(ProcessCommand command, ProcessLineHandler? onLine = null) => Launch(command, onLine, null);

    /// <summary>
    /// Starts <paramref name="command"/> in a process group of its own; its output lines reach
    /// <paramref name="onUtf8Line"/> as UTF-8 in blocks (as many lines per call as a read brought), decoded (and
    /// encoded again, line by line) only when secrets must be masked or the bytes are not valid UTF-8 (invalid
    /// sequences become U+FFFD), so a chatty process's output is never decoded nor handled line by line here.
    /// </summary>
    /// <inheritdoc cref="Start(ProcessCommand, ProcessLineHandler?)" path="/exception"/>
    public static SupervisedProcess StartUtf8(ProcessCommand command, ProcessUtf8LinesHandler onUtf8Line) => Launch(command, null, onUtf8Line);

    private static SupervisedProcess Launch(ProcessCommand command, ProcessLineHandler? onLine, ProcessUtf8LinesHandler? onUtf8Line)
    {
        var resolved = ExecutableLocator.Find(command.Executable, command.WorkingDirectory, command.Environment)
            ?? throw new ProcessStartException(command.Executable, command.Executable.Contains('/') ? "it does not exist or is not executable" : "it was not found on PATH");
        var platform = ProcessGroupPlatform.Current;
        // The process's environment: the inherited one (encoded once a run) with this process's changes on top.
        var inherited = command.InheritEnvironment ? InheritedEnvironment.Current : EnvironmentBlock.None;
        var changes = new List<KeyValuePair<string, string?>>(command.Environment.Count + 3);
        if (!command.InheritEnvironment)
        {
            Change(changes, "PATH", System.Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin");
        }

        if (command.Environment.Count > 0)
        {
            // Only when there is any: the dictionary's enumerator is boxed.
            foreach (var (key, value) in command.Environment)
            {
                Change(changes, key, value);
            }
        }

        // Markers every descendant inherits: the runner's (for its keeper) and this process's own (to find escapees).
        string? marker = null;
        if (command.Guarded)
        {
            marker = EscapedProcesses.NewMarker();
            Change(changes, RunnerKeeper.MarkerVariable, RunnerKeeper.Current.Marker);
            Change(changes, EscapedProcesses.MarkerVariable, marker);
        }
        else
        {
            Change(changes, RunnerKeeper.MarkerVariable, null);
            Change(changes, EscapedProcesses.MarkerVariable, null);
        }

        var startedAt = DateTimeOffset.UtcNow;
        var startTimestamp = Stopwatch.GetTimestamp();
        SpawnedChild child;
        try
        {
            child = platform.Start(resolved, command.Arguments, inherited, changes, command.WorkingDirectory);
        }
        catch (Win32Exception exception)
        {
            var reason = command.WorkingDirectory is null ? exception.Message : $"{exception.Message} (working directory '{command.WorkingDirectory}')";
            throw new ProcessStartException(command.Executable, reason, exception);
        }

        return new SupervisedProcess(command, child, platform, onLine, onUtf8Line, startedAt, startTimestamp, marker);
    }

    /// <summary>Sets (or, with a null value, removes) a variable in a process's changes; a later change of a key replaces an earlier one.</summary>
    private static void Change(List<KeyValuePair<string, string?>> changes, string key, string? value)
    {
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i].Key == key)
            {
                changes[i] = new(key, value);
                return;
            }
        }

        changes.Add(new(key, value));
    }

    /// <summary>
    /// Applies the termination sequence to the group until no member is alive. Once the main process has exited
    /// on its own this does nothing (its leftovers are terminated anyway); a second call returns the first's report.
    /// </summary>
    public Task<TerminationReport> TerminateAsync()
    {
        lock (_gate)
        {
            if (_mainExited && _termination is null)
            {
                return Task.FromResult(TerminationReport.NothingToDo);
            }

            return _termination ??= GroupTermination.TerminateAsync(_platform, ProcessId, _command.Termination, () => _exitCode.IsCompleted);
        }
    }

    /// <summary>Waits for the exit; when <paramref name="terminateWhen"/> fires first, terminates the group, then waits.</summary>
    public async Task<ProcessExit> WaitAsync(CancellationToken terminateWhen)
    {
        try
        {
            return await Exited.WaitAsync(terminateWhen).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (terminateWhen.IsCancellationRequested)
        {
            await TerminateAsync().ConfigureAwait(false);
            return await Exited.ConfigureAwait(false);
        }
    }

    /// <summary>Releases our ends of the pipes; call after <see cref="Exited"/> completed (the child is reaped by then).</summary>
    public void Dispose()
    {
        _standardOutput.Dispose();
        _standardError.Dispose();
        StandardInput?.Dispose();
    }

    private OutputPipes ReadOutput(ProcessCommand command)
    {
        var readBytes = command.ReadOutputOnOwnThreads ? OutputPipes.ThreadReadBytes : 0;
        var inBlocks = _onUtf8Lines is not null;
        var stdout = new LineSplitter(command.MaxLineBytes, readBytes, this, OutputStream.Stdout, inBlocks);
        var stderr = new LineSplitter(command.MaxLineBytes, readBytes, this, OutputStream.Stderr, inBlocks);
        return command.ReadOutputOnOwnThreads
            ? OutputPipes.ReadOnThread(_standardOutput, stdout, _standardError, stderr)
            : OutputPipes.Read(_standardOutput, stdout, _standardError, stderr);
    }

    /// <summary>Hands a line to the tail and the handler; called by one reader per stream.</summary>
    void ILineReceiver.Line(OutputStream stream, ReadOnlySpan<byte> utf8)
    {
        if (_onLine is null && _mask is null && System.Text.Unicode.Utf8.IsValid(utf8))
        {
            Tail.AddUtf8(stream, utf8);
            return;
        }

        var line = TextOf(stream).Decode(utf8);
        if (_mask is not null)
        {
            line = _mask.Apply(new string(line));
        }

        Tail.Add(stream, line);
        _onLine?.Invoke(stream, line);
    }

    /// <summary>
    /// Hands a block of lines to the tail and the handler as it is when it is valid UTF-8 and nothing is masked;
    /// else line by line, each decoded, masked and encoded again. Called by one reader per stream.
    /// </summary>
    void ILineReceiver.Lines(OutputStream stream, ReadOnlySpan<byte> lines)
    {
        if (_mask is null && System.Text.Unicode.Utf8.IsValid(lines))
        {
            Tail.AddUtf8Lines(stream, lines);
            _onUtf8Lines!(stream, lines);
            return;
        }

        var text = TextOf(stream);
        while (!lines.IsEmpty)
        {
            var end = lines.IndexOf((byte)'\n');
            var utf8 = lines[..end];
            lines = lines[(end + 1)..];
            if (utf8.Length > 0 && utf8[^1] == (byte)'\r')
            {
                utf8 = utf8[..^1];
            }

            var line = text.Decode(utf8);
            if (_mask is not null)
            {
                line = _mask.Apply(new string(line));
            }

            Tail.Add(stream, line);
            _onUtf8Lines!(stream, text.EncodeLine(line));
        }
    }

    /// <summary>Each stream's own buffers (its reader is the only one to use them).</summary>
    private LineText TextOf(OutputStream stream) => stream == OutputStream.Stdout ? _stdoutText ??= new() : _stderrText ??= new();

    /// <summary>Reused buffers to decode a line into and encode it back from, grown to the longest line that needed them.</summary>
    private sealed class LineText
    {
        private static readonly System.Text.UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
        private char[] _chars = [];
        private byte[] _bytes = [];

        public ReadOnlySpan<char> Decode(ReadOnlySpan<byte> utf8)
        {
            // UTF-8 never decodes to more chars than it has bytes.
            if (_chars.Length < utf8.Length)
            {
                _chars = new char[Math.Max(utf8.Length, 256)];
            }

            return _chars.AsSpan(0, Utf8.GetChars(utf8, _chars));
        }

        /// <summary>The line as UTF-8 followed by a newline.</summary>
        public ReadOnlySpan<byte> EncodeLine(ReadOnlySpan<char> line)
        {
            var most = Utf8.GetMaxByteCount(line.Length) + 1;
            if (_bytes.Length < most)
            {
                _bytes = new byte[Math.Max(most, 256)];
            }

            var length = Utf8.GetBytes(line, _bytes);
            _bytes[length] = (byte)'\n';
            return _bytes.AsSpan(0, length + 1);
        }
    }

    private async Task<ProcessExit> WatchAsync(OutputPipes output)
    {
        // Runs on the reaper's thread up to the first wait (none for a group that is gone and nothing that escaped).
        var exitCode = await _exitCode.ConfigureAwait(false);
        _mainExitedSource.TrySetResult();
        var duration = Stopwatch.GetElapsedTime(_startTimestamp);
        Task<TerminationReport>? requested;
        lock (_gate)
        {
            _mainExited = true;
            requested = _termination;
        }

        // The process ends when its main process ends; whatever it left in its group goes too. A requested
        // termination already sees to that (two sequences at once would garble its report).
        var termination = requested is null ? (TerminationReport?)null : await requested.ConfigureAwait(false);
        var leftovers = requested is null
            ? await GroupTermination.TerminateAsync(_platform, ProcessId, _command.Termination).ConfigureAwait(false)
            : TerminationReport.NothingToDo;
        EscapeReport? escaped = null;
        if (_marker is not null)
        {
            // Processes that left the group but descend from it end with it too; then the keeper can let go.
            var lived = Stopwatch.GetElapsedTime(_startTimestamp);
            if (lived >= EscapedProcesses.RecentWindow && ChildReaper.OnReaperThread)
            {
                // Its search reads every process's environment: not on the reaper's thread, where every other
                // process's exit and output wait meanwhile (a service's exit, noticed late, could pass for ready).
                await Task.Yield();
            }

            var escapees = await EscapedProcesses.FindAsync(_marker, ProcessId, lived).ConfigureAwait(false);
            if (escapees.Count > 0)
            {
                escaped = await EscapedProcesses.TerminateAsync(escapees, _command.Termination).ConfigureAwait(false);
            }

            RunnerKeeper.Current.Forget(ProcessId);
        }

        if (ChildReaper.OnReaperThread && output.Ended.IsCompleted)
        {
            // The rest (the attempt's and the leg's end, listeners) runs on the thread pool, not on the reaper's thread.
            await Task.Yield();
        }

        var drained = await DrainAsync(output, _command.DrainTimeout).ConfigureAwait(false);
        return new ProcessExit(
            exitCode, StartedAt, duration, Tail.Snapshot(), Tail.LastErrorLine ?? Tail.LastLine, termination, leftovers, !drained, escaped);
    }

    private static async Task<bool> DrainAsync(OutputPipes output, TimeSpan limit)
    {
        try
        {
            await output.Ended.WaitAsync(limit).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            output.Abandon();
            return false;
        }
    }
}
