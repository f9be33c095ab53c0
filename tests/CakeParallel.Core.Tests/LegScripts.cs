using CakeParallel.Model;

namespace CakeParallel.Tests;

/// <summary>Builds /bin/sh legs and scratch folders for tests that run real processes.</summary>
internal sealed class Scratch : IDisposable
{
    public Scratch()
    {
        Directory = Path.Combine(Path.GetTempPath(), "cpar-tests", Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public RunOptions Options(int maxParallel = 4) => new()
    {
        MaxParallel = maxParallel,
        LogDirectory = PathOf("logs"),
        Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(2)),
    };

    public static LegSpec Sh(string name, string script) => LegSpec.Shell(name, script);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover scratch folder in /tmp is harmless.
        }
    }
}
