using System.Runtime.InteropServices;
using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Supervision;
using CakeParallel.Tests.Services;

namespace CakeParallel.Tests.Supervision;

/// <summary>A leg inherits no fd but its stdin, stdout and stderr: not the runner's, not even one the host leaked to it.</summary>
public sealed class DescriptorTests : IDisposable
{
    private readonly Scratch _scratch = new();
    private readonly SharedSlotPool _slots = new();

    public void Dispose()
    {
        _scratch.Dispose();
        _slots.Dispose();
    }

    [Fact]
    public async Task A_leg_sees_only_fds_0_1_and_2_with_shared_slots_services_and_a_leaked_host_fd()
    {
        // An fd without close-on-exec, as a careless host (or its parent) would leave us: Process.Start passes it on.
        var leaked = Dup(1);
        leaked.ShouldBeGreaterThan(2);
        try
        {
            var port = ServiceProbe.FreePort();
            var options = _scratch.Options(maxParallel: 2) with
            {
                SharedSlots = new SharedSlots(_slots.Name, 2),
                Services = [ServiceProbe.HttpServer(_scratch, "web", port)],
            };

            // The shell lists its own fds from a child (`ls` would add its own directory fd if it listed itself);
            // the trailing `:` keeps the shell from exec'ing ls in its place.
            var result = await ParallelRunner.RunAsync(
                Enumerable.Range(1, 4).Select(i => Scratch.Sh($"fds-{i}", "ls /proc/$$/fd; :")).ToList(), options);

            result.Succeeded.ShouldBeTrue(string.Join("; ", result.Legs.Select(l => l.FailureReason)));
            foreach (var leg in result.Legs)
            {
                leg.OutputTail.ShouldBe(["0", "1", "2"], $"leg {leg.Name}");
            }
        }
        finally
        {
            _ = Close(leaked);
        }
    }

    [Fact]
    public async Task A_supervised_process_sees_only_fds_0_1_and_2()
    {
        using var process = SupervisedProcess.Start(new ProcessCommand("/bin/sh", ["-c", "ls /proc/$$/fd; :"]));

        var exit = await process.Exited;

        exit.ExitCode.ShouldBe(0);
        exit.Tail.ShouldBe(["0", "1", "2"]);
    }

    // DllImport: the test project allows no unsafe code, which LibraryImport's generated stubs need.
    [DllImport("libc", EntryPoint = "dup")]
    private static extern int Dup(int fd);

    [DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);
}
