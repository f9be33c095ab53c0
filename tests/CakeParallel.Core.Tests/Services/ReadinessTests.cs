using System.Diagnostics;
using CakeParallel.Services;
using CakeParallel.Model;

namespace CakeParallel.Tests.Services;

public sealed class ReadinessTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Http_server_becomes_ready_serves_and_is_gone_after_stop()
    {
        var port = ServiceProbe.FreePort();
        await File.WriteAllTextAsync(_scratch.PathOf("hello.txt"), "hello from the service");

        var service = await RunningService.StartAsync(ServiceProbe.HttpServer(_scratch, "web", port));
        service.State.ShouldBe(ServiceState.Ready);
        service.ReadyAfter.ShouldNotBeNull();
        using (var client = new HttpClient())
        {
            (await client.GetStringAsync($"http://127.0.0.1:{port}/hello.txt")).ShouldBe("hello from the service");
        }

        ServiceProbe.LiveGroupMembers(service).ShouldNotBeEmpty();
        await service.StopAsync();

        service.State.ShouldBe(ServiceState.Stopped);
        service.Signal.ShouldBe("SIGTERM");
        ServiceProbe.LiveGroupMembers(service).ShouldBeEmpty();
        ServiceProbe.IsListening(port).ShouldBeFalse();
        service.Events.Select(e => e.Kind).ShouldBe([ServiceEventKind.Ready, ServiceEventKind.Stopped]);
        var log = await File.ReadAllTextAsync(service.LogFile);
        log.ShouldContain("probe passed: HTTP GET http://127.0.0.1:" + port);
        log.ShouldContain("GET /hello.txt");
    }

    [Fact]
    public async Task Http_probe_waits_for_the_expected_status()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.HttpServer(_scratch, "web404", port) with
        {
            Probes = [new HttpProbe($"http://127.0.0.1:{port}/missing") { ExpectedStatus = 404 }],
        };

        await using var service = await RunningService.StartAsync(spec);

        service.State.ShouldBe(ServiceState.Ready);
    }

    [Fact]
    public async Task Http_probe_reports_a_status_that_is_not_2xx()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.HttpServer(_scratch, "wrong-path", port) with
        {
            Probes = [new HttpProbe($"http://127.0.0.1:{port}/missing")],
            ReadinessTimeout = TimeSpan.FromSeconds(3),
        };

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Failure.LastProbeError.ShouldBe($"HTTP GET http://127.0.0.1:{port}/missing: got 404 File not found");
        ServiceProbe.IsListening(port).ShouldBeFalse();
    }

    [Fact]
    public async Task Service_that_exits_at_once_fails_fast_with_its_exit_code_and_output()
    {
        var spec = ServiceProbe.Sh(_scratch, "broken", "echo starting; echo 'config file missing' >&2; exit 3") with
        {
            Probes = [new TcpProbe(ServiceProbe.FreePort())],
            ReadinessTimeout = TimeSpan.FromMinutes(5),
        };
        var clock = Stopwatch.StartNew();

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        // Far below the readiness timeout: the exit itself ends the wait.
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromMinutes(1));
        failure.Code.ShouldBe(ErrorCodes.ServiceStartFailed);
        failure.Failure.ExitCode.ShouldBe(3);
        failure.Failure.OutputTail.ShouldBe(["starting", "config file missing"]);
        failure.Message.ShouldContain("service 'broken' exited with code 3 before it was ready: config file missing");
        failure.Message.ShouldContain("last output:");
    }

    [Fact]
    public async Task Service_that_never_becomes_ready_times_out_and_is_stopped()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.Sh(_scratch, "silent", "echo pid $$; exec sleep 600") with
        {
            Probes = [new TcpProbe(port)],
            ReadinessTimeout = TimeSpan.FromSeconds(2),
        };

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Code.ShouldBe(ErrorCodes.ServiceNotReadyInTime);
        failure.Failure.LastProbeError.ShouldStartWith($"TCP connect to 127.0.0.1:{port}: ");
        failure.Message.ShouldContain("service 'silent' was not ready after 2.0 s; last probe error: TCP connect to");
        failure.Failure.Signal.ShouldBe("SIGTERM");
        var pid = int.Parse(failure.Failure.OutputTail.Single()["pid ".Length..], System.Globalization.CultureInfo.InvariantCulture);
        CakeParallel.Supervision.ProcessGroupPlatform.Current.HasLiveMembers(pid).ShouldBeFalse();
    }

    [Fact]
    public async Task Tcp_probe_passes_once_the_port_listens()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.Sh(_scratch, "late-listener", $"sleep 1; exec python3 -m http.server {port} --bind 127.0.0.1") with
        {
            Probes = [new TcpProbe("127.0.0.1", port)],
        };

        await using var service = await RunningService.StartAsync(spec);

        ServiceProbe.IsListening(port).ShouldBeTrue();
        (await File.ReadAllTextAsync(service.LogFile)).ShouldContain($"not ready: TCP connect to 127.0.0.1:{port}");
    }

    [Fact]
    public async Task Command_probe_passes_when_the_command_exits_zero()
    {
        var marker = _scratch.PathOf("ready.flag");
        var spec = ServiceProbe.Sh(_scratch, "flagger", $"sleep 1; touch '{marker}'; exec sleep 600") with
        {
            Probes = [CommandProbe.Shell($"echo checking; test -e '{marker}'")],
        };

        await using var service = await RunningService.StartAsync(spec);

        File.Exists(marker).ShouldBeTrue();
        var log = await File.ReadAllTextAsync(service.LogFile);
        log.ShouldContain("not ready: command /bin/sh -c");
        log.ShouldContain("exited with code 1: checking");
    }

    [Fact]
    public async Task Command_probe_that_hangs_is_terminated_at_its_timeout_with_its_group()
    {
        var pidFile = _scratch.PathOf("probe.pid");
        var spec = ServiceProbe.Sh(_scratch, "hung-probe", "exec sleep 600") with
        {
            Probes = [CommandProbe.Shell($"echo $$ >> '{pidFile}'; sleep 600 & wait") with { Timeout = TimeSpan.FromMilliseconds(500) }],
            ReadinessTimeout = TimeSpan.FromSeconds(3),
        };

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Failure.LastProbeError.ShouldBe("command /bin/sh -c '" + $"echo $$ >> '\\''{pidFile}'\\''; sleep 600 & wait" + "': no answer within 500 ms");

        // Every probe run appended its pid (the probes repeat); none of their groups may be left.
        var probePids = (await File.ReadAllLinesAsync(pidFile)).Where(l => l.Length > 0).Select(l => int.Parse(l, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        probePids.ShouldNotBeEmpty();
        probePids.ShouldAllBe(pid => !CakeParallel.Supervision.ProcessGroupPlatform.Current.HasLiveMembers(pid));
    }

    [Fact]
    public async Task Output_probe_passes_on_a_matching_log_line()
    {
        var spec = ServiceProbe.Sh(_scratch, "talker", "echo booting; sleep 1; echo 'listening on port 7777' >&2; exec sleep 600") with
        {
            Probes = [new OutputProbe(@"listening on port \d+")],
        };

        await using var service = await RunningService.StartAsync(spec);

        service.OutputTail.ShouldBe(["booting", "listening on port 7777"]);
        (await File.ReadAllTextAsync(service.LogFile)).ShouldContain("not ready: no output line matched /listening on port \\d+/ yet");
    }

    [Fact]
    public async Task Every_probe_must_pass()
    {
        var port = ServiceProbe.FreePort();
        var spec = ServiceProbe.Sh(_scratch, "two-probes", "echo warming up; exec sleep 600") with
        {
            Probes = [new OutputProbe("warming up"), new TcpProbe(port)],
            ReadinessTimeout = TimeSpan.FromSeconds(2),
        };

        var failure = await Should.ThrowAsync<ServiceStartException>(() => RunningService.StartAsync(spec));

        failure.Failure.LastProbeError.ShouldStartWith($"TCP connect to 127.0.0.1:{port}");
    }
}
