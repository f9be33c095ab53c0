using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace CakeParallel.Supervision;

/// <summary>
/// An environment as posix_spawn takes it, encoded once: every variable as a C string <c>key=value</c> in one
/// pinned buffer. A run encodes the environment its processes inherit once, and every process it starts points
/// into that buffer, so a thousand legs neither copy nor encode it a thousand times; a process's own changes are
/// encoded on their own (<see cref="PosixSpawn"/>).
/// </summary>
internal sealed class EnvironmentBlock
{
    // Pinned (on the pinned object heap), so the addresses of its strings hold for as long as the block lives.
    private readonly byte[] _strings;
    private readonly int[] _starts;
    private readonly Dictionary<string, int> _indexes;

    /// <summary>No variables at all.</summary>
    public static readonly EnvironmentBlock None = new(System.Collections.ObjectModel.ReadOnlyDictionary<string, string>.Empty);

    /// <summary>Encodes <paramref name="variables"/>.</summary>
    public EnvironmentBlock(IReadOnlyDictionary<string, string> variables)
    {
        Variables = variables;
        _starts = new int[variables.Count];
        _indexes = new Dictionary<string, int>(variables.Count, StringComparer.Ordinal);
        var length = 0;
        foreach (var (key, value) in variables)
        {
            length += Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 2;
        }

        _strings = GC.AllocateUninitializedArray<byte>(length, pinned: true);
        var at = 0;
        foreach (var (key, value) in variables)
        {
            _indexes[key] = _indexes.Count;
            _starts[_indexes.Count - 1] = at;
            at += Encoding.UTF8.GetBytes(key, _strings.AsSpan(at));
            _strings[at++] = (byte)'=';
            at += Encoding.UTF8.GetBytes(value, _strings.AsSpan(at));
            _strings[at++] = 0;
        }
    }

    /// <summary>The variables, by name.</summary>
    public IReadOnlyDictionary<string, string> Variables { get; }

    /// <summary>How many variables there are.</summary>
    public int Count => _starts.Length;

    /// <summary>The position of <paramref name="key"/> among the variables, or -1.</summary>
    public int IndexOf(string key) => _indexes.TryGetValue(key, out var index) ? index : -1;

    /// <summary>The address of the variable at <paramref name="index"/> as a C string; valid while this block is alive.</summary>
    public unsafe nint AddressOf(int index) =>
        (nint)Unsafe.AsPointer(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_strings), _starts[index]));
}
