using System.Diagnostics;
using System.Globalization;

namespace CakeParallel.Testing;

/// <summary>
/// Another program's server on a loopback port (<c>python3 -m http.server</c>, started outside the engine), for
/// tests that a service's probe is never answered by a stranger. Disposing it kills it.
/// </summary>
public sealed class PortSquatter : IDisposable
{
    private readonly Process _process;

    private PortSquatter(Process process) => _process = process;

    /// <summary>The squatter's pid, which errors must name.</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts the squatter on <paramref name="port"/> and returns once it listens.</summary>
    public static async Task<PortSquatter> StartAsync(int port)
    {
        var process = Process.Start(new ProcessStartInfo("python3", ["-m", "http.server", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        })!;
        var squatter = new PortSquatter(process);
        var clock = Stopwatch.StartNew();
        while (!LoopbackPorts.IsListening(port))
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30) || process.HasExited)
            {
                squatter.Dispose();
                throw new InvalidOperationException($"the squatter did not listen on {port}");
            }

            await Task.Delay(50);
        }

        return squatter;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.WaitForExit();
        _process.Dispose();
    }
}
