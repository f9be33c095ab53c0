using CakeParallel.Services;
using CakeParallel.Model;
using CakeParallel.Runs;

namespace CakeParallel.Tests.Services;

public sealed class RunWithServicesTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Services_are_ready_before_the_legs_and_stopped_after_them()
    {
        var port = ServiceProbe.FreePort();
        var options = _scratch.Options() with { Services = [ServiceProbe.HttpServer(_scratch, "web", port) with { LogFile = null }] };

        var result = await ParallelRunner.RunAsync(
        [
            Scratch.Sh("fetch-1", $"curl -sf http://127.0.0.1:{port}/ > /dev/null"),
            Scratch.Sh("fetch-2", $"curl -sf http://127.0.0.1:{port}/ > /dev/null"),
        ], options);

        result.Succeeded.ShouldBeTrue(string.Join("; ", result.Legs.Select(l => l.FailureReason)));
        ServiceProbe.IsListening(port).ShouldBeFalse();
        result.ServiceEvents.Select(e => e.Kind).ShouldBe([ServiceEventKind.Ready, ServiceEventKind.Stopped]);
        File.Exists(_scratch.PathOf("logs/service-web.log")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_service_that_dies_while_legs_run_is_in_the_result_and_only_a_warning_when_so_set()
    {
        var service = ServiceProbe.Sh(_scratch, "flaky", "echo up; sleep 1; echo 'segfault' >&2; exit 139") with { Probes = [new OutputProbe("up")], ServiceFailureIsWarning = true };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("long", "sleep 3")], _scratch.Options() with { Services = [service] });

        result.Succeeded.ShouldBeTrue();
        var death = result.ServiceEvents.Single(e => e.Kind == ServiceEventKind.Died);
        death.ToString().ShouldBe("CPAR0505 service 'flaky' was killed by SIGSEGV (exit code 139) after it was ready: segfault");
    }

    [Fact]
    public async Task When_a_service_cannot_start_no_leg_starts()
    {
        var marker = _scratch.PathOf("leg-ran");
        var service = ServiceProbe.Sh(_scratch, "db", "echo 'port in use' >&2; exit 1") with { Probes = [new TcpProbe(ServiceProbe.FreePort())] };

        var result = await ParallelRunner.RunAsync([Scratch.Sh("leg", $"touch '{marker}'")], _scratch.Options() with { Services = [service] });

        result.Legs.Single().Status.ShouldBe(LegStatus.NotStarted);
        result.Legs.Single().FailureReason.ShouldBe("Not started: service 'db' exited with code 1 before it was ready: port in use");
        result.ServiceEvents.Single().Code.ShouldBe(ErrorCodes.ServiceStartFailed);
        File.Exists(marker).ShouldBeFalse();
    }

    [Fact]
    public async Task Cancelling_while_services_start_stops_them_and_starts_no_leg()
    {
        var pidFile = _scratch.PathOf("service.pid");
        var service = ServiceProbe.Sh(_scratch, "never-ready", $"echo $$ > '{pidFile}'; exec sleep 600") with { Probes = [new TcpProbe(ServiceProbe.FreePort())] };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        var result = await ParallelRunner.RunAsync([Scratch.Sh("leg", "true")], _scratch.Options() with { Services = [service] }, cancellation.Token);

        result.WasCancelled.ShouldBeTrue();
        result.Legs.Single().Status.ShouldBe(LegStatus.NotStarted);
        result.Legs.Single().FailureReason.ShouldBe("Not started: the run was cancelled while its services were starting");
        var pid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        CakeParallel.Supervision.ProcessGroupPlatform.Current.HasLiveMembers(pid).ShouldBeFalse();
    }

    [Fact]
    public async Task Service_and_leg_errors_are_reported_together()
    {
        var invalid = await Should.ThrowAsync<InvalidRunException>(() => ParallelRunner.RunAsync(
            [new LegSpec("leg", "no-such-leg-program")],
            _scratch.Options() with { Services = [new ServiceSpec("svc", "no-such-service-program")] }));

        invalid.Errors.Select(e => e.Field).ShouldBe(["Executable", "Services['svc'].Executable"], ignoreOrder: true);
    }

    [Fact]
    public async Task A_dead_service_reaches_the_listener_and_the_json_report()
    {
        var report = _scratch.PathOf("report.json");
        var service = ServiceProbe.Sh(_scratch, "flaky", "echo up; sleep 1; exit 7") with { Probes = [new OutputProbe("up")] };
        var seen = new List<ServiceEvent>();

        var result = await ParallelRunner.RunAsync(
            [Scratch.Sh("long", "sleep 3")],
            _scratch.Options() with { Services = [service], Reports = new ReportOptions { ReportFile = report }, Listener = new ServiceEventRecorder(seen) });

        seen.Single().Kind.ShouldBe(ServiceEventKind.Died);
        var read = CakeParallel.Reports.JsonRunReport.Read(report);
        read.ServiceEvents.Select(e => (e.Service, e.Kind)).ShouldBe(result.ServiceEvents.Select(e => (e.Service, e.Kind)));
        read.ServiceEvents.Single(e => e.Kind == ServiceEventKind.Died).ExitCode.ShouldBe(7);
    }

    [Fact]
    public async Task A_run_whose_services_cannot_start_still_writes_its_report()
    {
        var report = _scratch.PathOf("report.json");
        var service = ServiceProbe.Sh(_scratch, "db", "echo 'port in use' >&2; exit 1") with { Probes = [new TcpProbe(ServiceProbe.FreePort())] };

        await ParallelRunner.RunAsync(
            [Scratch.Sh("leg", "true")],
            _scratch.Options() with { Services = [service], Reports = new ReportOptions { ReportFile = report } });

        var read = CakeParallel.Reports.JsonRunReport.Read(report);
        read.Legs.Single().Status.ShouldBe(LegStatus.NotStarted);
        read.ServiceEvents.Single().Code.ShouldBe(ErrorCodes.ServiceStartFailed);
    }

    private sealed class ServiceEventRecorder(List<ServiceEvent> events) : IRunListener
    {
        public void ServiceEvent(ServiceEvent serviceEvent) => events.Add(serviceEvent);
    }
}
