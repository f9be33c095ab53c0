using System.Diagnostics;
using System.Globalization;
using CakeParallel.Services;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Tests.Services;

/// <summary>
/// A real host process starts a service and then exits normally or is sent SIGINT, SIGTERM or SIGHUP without
/// stopping the service itself: the service's group must be gone when the host is.
/// </summary>
public sealed class HostExitTests : IClassFixture<HostExitTests.HostProgram>
{
    private readonly HostProgram _host;

    public HostExitTests(HostProgram host) => _host = host;

    [Theory]
    [InlineData("exit", 0)]
    [InlineData("SIGINT", 130)]
    [InlineData("SIGTERM", 143)]
    [InlineData("SIGHUP", 129)]
    public async Task Service_is_stopped_when_the_host_ends(string how, int expectedExitCode)
    {
        var startInfo = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };

        // Reset SIGINT to its default first: a host started from a background job inherits it ignored.
        foreach (var argument in new[] { "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])", _host.Path, how })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var host = Process.Start(startInfo)!;
        var firstLine = await host.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (firstLine is null)
        {
            throw new InvalidOperationException("the host printed nothing: " + await host.StandardError.ReadToEndAsync());
        }

        var serviceGroup = int.Parse(firstLine.Split(' ')[1], CultureInfo.InvariantCulture);
        if (how != "exit")
        {
            SignalNames.TryGetNumber(how, out var signal).ShouldBeTrue();
            ProcessGroupPlatform.Current.LiveMembers(serviceGroup).ShouldNotBeEmpty();
            Kill(host.Id, signal).ShouldBe(0);
        }

        await host.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        host.ExitCode.ShouldBe(expectedExitCode);
        ProcessGroupPlatform.Current.LiveMembers(serviceGroup).ShouldBeEmpty();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);

    /// <summary>Builds, once, a console program that starts a service (a shell with two children), prints its group and waits.</summary>
    public sealed class HostProgram : IDisposable
    {
        private readonly Scratch _scratch = new();

        public HostProgram()
        {
            var core = typeof(RunningService).Assembly.Location;
            File.WriteAllText(_scratch.PathOf("host.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                  </PropertyGroup>
                  <ItemGroup>
                    <Reference Include="{core}" />
                  </ItemGroup>
                </Project>
                """);
            File.WriteAllText(_scratch.PathOf("Program.cs"), """
                using CakeParallel.Model;
                using CakeParallel.Services;

                var service = await RunningService.StartAsync(
                    ServiceSpec.Shell("svc", "echo ready; sleep 600 & sleep 600 & wait") with { Probes = [new OutputProbe("ready")] });
                Console.WriteLine($"group {service.ProcessId}");
                if (args[0] != "exit")
                {
                    await Task.Delay(Timeout.Infinite);
                }
                """);
            var build = Process.Start(new ProcessStartInfo("dotnet", ["build", _scratch.Directory, "-o", _scratch.PathOf("out"), "-nodeReuse:false"]) { RedirectStandardOutput = true })!;
            var output = build.StandardOutput.ReadToEnd();
            build.WaitForExit();
            build.ExitCode.ShouldBe(0, output);
            Path = _scratch.PathOf("out/host");
        }

        public string Path { get; }

        public void Dispose() => _scratch.Dispose();
    }
}
