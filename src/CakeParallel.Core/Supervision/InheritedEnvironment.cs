using System.Collections;

namespace CakeParallel.Supervision;

/// <summary>
/// The runner's environment as its processes inherit it. A run reads and encodes it once (<see cref="Freeze"/>) and
/// every process it starts inherits that block, so a thousand legs do not copy the environment a thousand times, and
/// the legs of one run see one environment. Outside a run each process reads it afresh, so a script that changed a
/// variable between two runs is heard.
/// </summary>
internal static class InheritedEnvironment
{
    private static readonly AsyncLocal<EnvironmentBlock?> Frozen = new();

    /// <summary>The environment a process started now inherits.</summary>
    public static EnvironmentBlock Current => Frozen.Value ?? Read();

    /// <summary>Reads the environment once for the work that flows from here (a run): until disposed, <see cref="Current"/> returns that copy.</summary>
    public static IDisposable Freeze()
    {
        var outer = Frozen.Value;
        Frozen.Value = Read();
        return new Thaw(outer);
    }

    private static EnvironmentBlock Read()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        }

        return new EnvironmentBlock(variables);
    }

    private sealed class Thaw(EnvironmentBlock? outer) : IDisposable
    {
        public void Dispose() => Frozen.Value = outer;
    }
}
