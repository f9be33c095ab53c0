using CakeParallel.Model;
using CakeParallel.Runs;
using CakeParallel.Services;
using CakeParallel.Testing;

namespace CakeParallel.Tests.Services;

/// <summary>Services that cannot be fooled: another process's server, a daemon, a flapping server, a shared log.</summary>
public sealed class ServiceIntegrityTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task A_port_held_by_another_process_is_an_error_naming_it_before_anything_starts()
    {
        var port = ServiceProbe.FreePort();
        using var squatter = await PortSquatter.StartAsync(port);
        var spec = ServiceProbe.HttpServer(_scratch, "web", port);

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Code.ShouldBe(ErrorCodes.ServicePortInUse);
        failure.Message.ShouldContain($"service 'web' cannot start: port {port} (HTTP GET http://127.0.0.1:{port}/) is already in use by pid {squatter.ProcessId} (");
        failure.Message.ShouldContain($"python3 -m http.server {port} --bind 127.0.0.1); stop that process or give the service another port");
        File.Exists(spec.LogFile).ShouldBeFalse();
    }

    [Fact]
    public async Task A_probe_answered_by_a_server_that_is_not_the_services_does_not_make_it_ready()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.Sh(_scratch, "mute", "exec sleep 600") with { Probes = [new TcpProbe(port)] };

        // The port is free when the service starts; another program takes it while the service is starting.
        var start = RunningService.StartAsync(spec);
        using var squatter = await PortSquatter.StartAsync(port);

        var failure = await Should.ThrowAsync<ServiceStartException>(() => start);

        failure.Code.ShouldBe(ErrorCodes.ServicePortInUse);
        failure.Message.ShouldContain($"service 'mute' is not ready: TCP connect to 127.0.0.1:{port} was answered by pid {squatter.ProcessId} (");
        failure.Message.ShouldContain("which is not a process of the service");
    }

    [Theory]
    [InlineData("setsid")]
    [InlineData("double-fork")]
    public async Task A_service_that_daemonizes_is_an_error_and_its_daemon_is_ended(string how)
    {
        var port = ServiceProbe.FreePort();
        var marker = ProcessScan.NewMarker();
        var daemon = ServiceScripts.Write(_scratch, "daemon.py", ServiceScripts.Daemon);
        var script = how == "setsid"
            ? $"setsid python3 -m http.server {port} --bind 127.0.0.1 & exit 0"
            : $"exec python3 '{daemon}' {port}";
        var spec = ServiceProbe.Sh(_scratch, "daemon", script) with { Probes = [new HttpProbe($"http://127.0.0.1:{port}/")], EnvironmentVariables = ProcessScan.Env(marker) };

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Code.ShouldBe(ErrorCodes.ServiceDaemonized, failure.Message);
        failure.Message.ShouldContain("service 'daemon' exited with code 0 before it was ready but left processes running (it daemonizes); they were ended");
        ProcessScan.LiveWithMarker(marker).ShouldBeEmpty();
        ServiceProbe.IsListening(port).ShouldBeFalse();
    }

    [Fact]
    public async Task A_service_that_turns_unhealthy_while_legs_run_fails_the_run()
    {
        var port = ServiceProbe.FreePort();
        var healthy = _scratch.PathOf("healthy");
        File.WriteAllText(healthy, "");
        var server = ServiceScripts.Write(_scratch, "flapping.py", ServiceScripts.Flapping);
        var service = new ServiceSpec("flapping", "python3", [server, port.ToString(System.Globalization.CultureInfo.InvariantCulture), healthy])
        {
            Probes = [new HttpProbe($"http://127.0.0.1:{port}/")],
            HealthCheckInterval = TimeSpan.FromMilliseconds(200),
            HealthCheckFailures = 2,
            ReadinessTimeout = TimeSpan.FromSeconds(30),
        };

        // The first leg makes the server answer 500 and would then run for a minute.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = await ParallelRunner.RunAsync(
            [Scratch.Sh("breaks-it", $"rm '{healthy}'; sleep 60"), Scratch.Sh("after", "true")],
            _scratch.Options(maxParallel: 1) with { Services = [service] });

        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(45));
        result.Succeeded.ShouldBeFalse();
        var unhealthy = result.ServiceEvents.Single(e => e.Kind == ServiceEventKind.Unhealthy);
        unhealthy.Code.ShouldBe(ErrorCodes.ServiceUnhealthy);
        unhealthy.FailsRun.ShouldBeTrue();
        unhealthy.Message.ShouldBe($"service 'flapping' is unhealthy: 2 health checks in a row failed; last error: HTTP GET http://127.0.0.1:{port}/: got 500 Internal Server Error");
        result.Legs[0].Status.ShouldBe(LegStatus.Cancelled);
        result.Legs[1].Status.ShouldBe(LegStatus.NotStarted);
        result.Legs[1].FailureReason.ShouldBe("Not started: cancelled because a service failed: " + unhealthy);
    }

    [Fact]
    public async Task A_service_that_dies_while_legs_run_cancels_them_and_fails_the_run()
    {
        var service = ServiceProbe.Sh(_scratch, "flaky", "echo up; sleep 1; echo 'segfault' >&2; exit 139") with { Probes = [new OutputProbe("up")] };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("long", "sleep 60")], _scratch.Options() with { Services = [service] });

        result.Succeeded.ShouldBeFalse();
        result.Legs.Single().Status.ShouldBe(LegStatus.Cancelled);
        result.Legs.Single().FailureReason.ShouldNotBeNull().ShouldContain("cancelled because a service failed: CPAR0505 service 'flaky' was killed by SIGSEGV");
        result.ServiceEvents.Single(e => e.Kind == ServiceEventKind.Died).FailsRun.ShouldBeTrue();
    }

    [Fact]
    public async Task A_log_file_in_use_by_another_service_is_an_error_and_stays_intact()
    {
        var log = _scratch.PathOf("logs/shared.log");
        var first = ServiceProbe.Sh(_scratch, "first", "echo first-line; exec sleep 600") with { Probes = [new OutputProbe("first-line")], LogFile = log };
        await using var running = await RunningService.StartAsync(first);

        var second = ServiceProbe.Sh(_scratch, "second", "echo second-line; exec sleep 600") with { LogFile = log };
        var failure = await Should.ThrowAsync<InvalidRunException>(() => RunningService.StartAsync(second));

        failure.Errors.Single().Code.ShouldBe(ErrorCodes.ServiceLogInUse);
        failure.Errors.Single().Field.ShouldBe("Services['second'].LogFile");
        await running.StopAsync();
        var text = await File.ReadAllTextAsync(log);
        text.ShouldContain("out first-line");
        text.ShouldNotContain("second");
    }

    [Fact]
    public async Task A_log_is_capped_and_keeps_the_latest_output()
    {
        var spec = ServiceProbe.Sh(_scratch, "chatty", "head -c 3000000 /dev/zero | tr '\\0' 'x' | fold -w 99; echo; echo last-line; exec sleep 600") with
        {
            Probes = [new OutputProbe("last-line")],
            MaxLogBytes = 1024 * 1024,
        };

        await using (var service = await RunningService.StartAsync(spec))
        {
        }

        new FileInfo(spec.LogFile!).Length.ShouldBeLessThanOrEqualTo(1024 * 1024);
        var lines = await File.ReadAllLinesAsync(spec.LogFile!);
        lines[0].ShouldContain("--- this log is capped at 1 MB: the first ");
        lines[0].ShouldEndWith("bytes (the oldest output) were dropped; the latest output follows");
        lines.ShouldContain(l => l.EndsWith(" out last-line", StringComparison.Ordinal));
        lines.Skip(1).ShouldAllBe(l => l.Length > 24);
    }

    [DockerFact]
    public async Task A_docker_run_service_is_served_through_the_docker_proxy_of_its_container()
    {
        var port = ServiceProbe.FreePort();
        var name = "cpar-svc-" + Guid.NewGuid().ToString("N")[..8];
        // The image has no server; docker's userland proxy listens on the host port for as long as the container runs.
        var spec = ServiceProbe.Sh(_scratch, "container", $"exec docker run --rm --init --name {name} -p 127.0.0.1:{port}:80 local/busybox:1 sleep 600") with
        {
            Probes = [new TcpProbe(port)],
            ReadinessTimeout = TimeSpan.FromSeconds(60),
            Termination = TerminationSequence.WithGracePeriod(TimeSpan.FromSeconds(10)),
        };

        try
        {
            await using var service = await RunningService.StartAsync(spec);
            service.State.ShouldBe(ServiceState.Ready);
        }
        finally
        {
            using var remove = System.Diagnostics.Process.Start("docker", ["rm", "-f", name]);
            await remove.WaitForExitAsync();
        }

        (await File.ReadAllTextAsync(spec.LogFile!)).ShouldContain($"probe passed: TCP connect to 127.0.0.1:{port}");
        ServiceProbe.IsListening(port).ShouldBeFalse();
    }
}
