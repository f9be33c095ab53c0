using System.Buffers;
using System.Globalization;
using System.Buffers.Text;
using CakeParallel.Model;

namespace CakeParallel.Supervision;

/// <summary>
/// A small <c>/bin/sh</c> process that outlives the runner to end what the runner started if the runner dies
/// (SIGKILL, a crash, an out-of-memory kill), when no code of the runner can run any more.
/// </summary>
/// <remarks>
/// One keeper per runner process, started with the first supervised process, in a session of its own (so a
/// terminal's Ctrl+C or hang-up does not reach it). The runner tells it, through the keeper's stdin, each process
/// group as it starts (<c>+ PGID</c>) and ends (<c>- PGID</c>). Every supervised process also carries the
/// runner's marker in its environment (<see cref="MarkerVariable"/>), which its descendants inherit even when they
/// leave the group. When the pipe closes — which the kernel does when the runner dies, however it dies — the keeper
/// applies the termination sequence to every group still listed and to every process that carries the marker,
/// then exits. On a normal exit nothing is listed and nothing carries the marker any more, so it has nothing to do.
/// </remarks>
internal sealed class RunnerKeeper
{
    /// <summary>The environment variable that marks every process this runner started, and their descendants.</summary>
    public const string MarkerVariable = "CAKEPARALLEL_RUNNER";

    // $1: the marker assignment; the rest: the default termination steps (signal number, wait in ms) for marked
    // processes outside any listed group. Each "+" line lists a group with its own steps. The keeper ignores the
    // signals a terminal or a dying parent sends, collects the lines until the pipe closes, then ends everything at
    // once. cat collects them, one read per line: the shell's read builtin takes a byte per system call, and the
    // runner writes two lines for every process it starts. Marked processes are looked for again once everything
    // found before has ended, until two searches in a row find none: a leg can start one while it is being ended
    // (in a trap), and a process caught in its exec has no environment to match yet. A marked process in a listed
    // group (its process group id, the third field after the name in /proc/PID/stat) is left to its group's steps:
    // the defaults on top would cut its grace period short (a trap's `sleep` ended by their SIGTERM).
    private const string Script = """
        exec >/dev/null 2>&1
        trap '' INT HUP TERM QUIT PIPE
        set -f
        marker=$1; shift; defaults="$*"; entries=""
        commands=$(cat)
        while read -r op arg steps; do
          case "$op" in
            +) entries="$entries|$arg $steps" ;;
            -) kept=""; IFS='|'; for e in $entries; do [ -n "$e" ] && [ "${e%% *}" != "$arg" ] && kept="$kept|$e"; done; IFS=' '; entries=$kept ;;
          esac
        done <<EOF
        $commands
        EOF
        end() {
          target=$1; shift
          while [ $# -ge 2 ]; do
            kill -$1 $target 2>/dev/null
            waited=0
            while kill -0 $target 2>/dev/null && [ $waited -lt $2 ]; do sleep 0.05; waited=$((waited + 50)); done
            kill -0 $target 2>/dev/null || return 0
            shift 2
          done
        }
        IFS='|'; for e in $entries; do IFS=' '; [ -n "$e" ] && end -$e & IFS='|'; done
        unset IFS; set +f
        empty=0; rounds=0
        while [ $empty -lt 2 ] && [ $rounds -lt 20 ]; do
          empty=$((empty + 1)); rounds=$((rounds + 1))
          for f in $(grep -lsaF "$marker" /proc/[0-9]*/environ); do
            p=${f#/proc/}; p=${p%/environ}
            read -r stat < /proc/$p/stat || continue
            set -- ${stat##*) }
            case "$entries|" in *"|$3 "*) continue ;; esac
            end $p $defaults & empty=0
          done
          wait
          sleep 0.02
        done
        """;

    private static readonly Lazy<RunnerKeeper> Instance = new(() => new RunnerKeeper(TerminationSequence.Default));

    private readonly Lock _gate = new();
    private readonly Stream? _commands;

    private RunnerKeeper(TerminationSequence termination)
    {
        Marker = Guid.NewGuid().ToString("N");
        try
        {
            var keeper = SupervisedProcess.Start(new ProcessCommand("/bin/sh", ["-c", Script, "cakeparallel-keeper", MarkerVariable + "=" + Marker, .. Steps(termination)])
            {
                Guarded = false,
                KeepStandardInput = true,
                InheritEnvironment = false,
            });
            _commands = keeper.StandardInput;
        }
        catch (ProcessStartException exception)
        {
            // Without a keeper the runner still ends everything it started while it lives; only its death is unguarded.
            Problem = "the keeper that ends the legs if the runner dies could not start: " + exception.Message;
        }
    }

    /// <summary>The runner process's keeper, started on first use.</summary>
    public static RunnerKeeper Current => Instance.Value;

    /// <summary>
    /// Starts the keeper on a thread-pool thread, so that a run's first process does not wait for the keeper's own
    /// start (a shell and its pipe, some tens of milliseconds with the code run for the first time).
    /// </summary>
    public static void StartAhead() => ThreadPool.UnsafeQueueUserWorkItem(static _ => _ = Instance.Value, (object?)null);

    /// <summary>The value of <see cref="MarkerVariable"/> in every process this runner starts.</summary>
    public string Marker { get; }

    /// <summary>Why there is no keeper, or <see langword="null"/> when it runs.</summary>
    public string? Problem { get; }

    /// <summary>Lists a process group the keeper must end, with <paramref name="termination"/>, if the runner dies.</summary>
    public void Watch(int groupId, TerminationSequence termination)
    {
        if (_commands is null)
        {
            return;
        }

        // Sent for every process started, right after its spawn: until it is, a runner killed would leave the process
        // to the keeper's default steps. So it is formatted without garbage, and with no generic code that the JIT
        // might have to compile first: "+ group signal wait signal wait ...".
        var most = 16 + (termination.Steps.Count * 48);
        var rented = most > 512 ? ArrayPool<byte>.Shared.Rent(most) : null;
        var line = rented is null ? stackalloc byte[512] : rented.AsSpan();
        line[0] = (byte)'+';
        var length = 1;
        Append(line, ref length, groupId);
        foreach (var step in termination.Steps)
        {
            SignalNames.TryGetNumber(step.Signal, out var number);
            Append(line, ref length, number);
            Append(line, ref length, (long)step.Wait.TotalMilliseconds);
        }

        line[length++] = (byte)'\n';
        Send(line[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Removes a group that has ended.</summary>
    public void Forget(int groupId)
    {
        if (_commands is null)
        {
            return;
        }

        Span<byte> line = stackalloc byte[16];
        line[0] = (byte)'-';
        var length = 1;
        Append(line, ref length, groupId);
        line[length++] = (byte)'\n';
        Send(line[..length]);
    }

    /// <summary>Writes a space and <paramref name="value"/> at <paramref name="length"/>.</summary>
    private static void Append(Span<byte> line, ref int length, long value)
    {
        line[length++] = (byte)' ';
        Utf8Formatter.TryFormat(value, line[length..], out var written);
        length += written;
    }

    private static IEnumerable<string> Steps(TerminationSequence termination)
    {
        foreach (var step in termination.Steps)
        {
            SignalNames.TryGetNumber(step.Signal, out var number);
            yield return number.ToString(CultureInfo.InvariantCulture);
            yield return ((long)step.Wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        }
    }

    private void Send(ReadOnlySpan<byte> command)
    {
        lock (_gate)
        {
            try
            {
                _commands!.Write(command);
                _commands.Flush();
            }
            catch (IOException)
            {
                // The keeper is gone (killed by hand); the runner itself still ends what it started.
            }
        }
    }
}
