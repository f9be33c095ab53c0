namespace CakeParallel.Tests.Supervision;

/// <summary>How a run reads its legs' output pipes, seen from a host of its own.</summary>
public sealed class OutputPipeTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    /// <summary>
    /// The pipes (and the keeper's stdin) are read and written with plain system calls when the readiness loop says
    /// so: the runtime's pipe streams would bring up its socket engine (a socket, an asynchronous context and a state
    /// machine for every pipe of every leg, a thread, and the first time some tens of milliseconds).
    /// </summary>
    [Fact]
    public async Task A_run_reads_its_legs_output_without_the_runtimes_socket_engine()
    {
        var output = await TestHost.RunAsync(["garbage", "20", _scratch.PathOf("logs"), "0"]);

        output.ShouldContain("succeeded True");
        output.ShouldContain("sockets not loaded");
    }
}
