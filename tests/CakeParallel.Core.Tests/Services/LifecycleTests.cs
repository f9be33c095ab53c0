using CakeParallel.Services;
using CakeParallel.Supervision;
using CakeParallel.Model;

namespace CakeParallel.Tests.Services;

public sealed class LifecycleTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public async Task Stop_leaves_no_process_of_the_group_alive_even_one_that_ignores_SIGTERM()
    {
        var spec = ServiceProbe.Sh(_scratch, "family", "sleep 600 & (trap '' TERM; echo stubborn; sleep 600) & wait") with
        {
            Probes = [new OutputProbe("stubborn")],
            Termination = TerminationSequence.Parse("TERM,300,KILL,2000"),
        };
        var service = await RunningService.StartAsync(spec);
        ServiceProbe.LiveGroupMembers(service).Count.ShouldBeGreaterThanOrEqualTo(3);

        await service.StopAsync();

        ServiceProbe.LiveGroupMembers(service).ShouldBeEmpty();
        service.State.ShouldBe(ServiceState.Stopped);
        service.Events[^1].Message.ShouldContain("killed by SIGKILL");
    }

    [Fact]
    public async Task Stopping_is_idempotent()
    {
        var service = await RunningService.StartAsync(ServiceProbe.Sh(_scratch, "twice", "exec sleep 600"));

        var first = service.StopAsync();
        var second = service.StopAsync();
        await Task.WhenAll(first, second);
        service.Dispose();
        await service.DisposeAsync();

        service.State.ShouldBe(ServiceState.Stopped);
        service.Events.Count(e => e.Kind == ServiceEventKind.Stopped).ShouldBe(1);
    }

    [Fact]
    public async Task A_service_that_dies_after_it_was_ready_is_reported()
    {
        var spec = ServiceProbe.Sh(_scratch, "fragile", "echo up; sleep 1; echo 'out of memory' >&2; exit 4") with
        {
            Probes = [new OutputProbe("up")],
        };
        var died = new TaskCompletionSource<ServiceEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var service = await RunningService.StartAsync(spec);
        service.Died += (_, e) => died.TrySetResult(e);

        var death = await died.Task.WaitAsync(TimeSpan.FromSeconds(30));

        death.Code.ShouldBe(ErrorCodes.ServiceDied);
        death.ExitCode.ShouldBe(4);
        death.Message.ShouldBe("service 'fragile' exited with code 4 after it was ready: out of memory");
        death.OutputTail.ShouldBe(["up", "out of memory"]);
        service.State.ShouldBe(ServiceState.Died);
        await service.StopAsync();
        service.State.ShouldBe(ServiceState.Died);
    }

    [Fact]
    public async Task Cancelling_the_start_stops_the_service()
    {
        var spec = ServiceProbe.Sh(_scratch, "slow", "echo $$; exec sleep 600") with
        {
            Probes = [new TcpProbe(ServiceProbe.FreePort())],
        };
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(1));

        await Should.ThrowAsync<OperationCanceledException>(() => RunningService.StartAsync(spec, cancellation.Token));

        var log = await File.ReadAllTextAsync(spec.LogFile!);
        var pid = int.Parse(log.Split('\n').First(l => l.Contains(" out ", StringComparison.Ordinal)).Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
        ProcessGroupPlatform.Current.HasLiveMembers(pid).ShouldBeFalse();
        log.ShouldContain("was cancelled before it was ready");
    }

    [Fact]
    public async Task Several_services_start_in_parallel_and_all_are_ready()
    {
        var ports = new[] { ServiceProbe.FreePort(), ServiceProbe.FreePort() };

        var group = await ServiceGroup.StartAllAsync(
        [
            ServiceProbe.HttpServer(_scratch, "one", ports[0]),
            ServiceProbe.HttpServer(_scratch, "two", ports[1]),
        ]);

        group.Services.Select(s => s.State).ShouldAllBe(s => s == ServiceState.Ready);
        ports.ShouldAllBe(p => ServiceProbe.IsListening(p));
        await group.DisposeAsync();
        ports.ShouldAllBe(p => !ServiceProbe.IsListening(p));
        group.Services.ShouldAllBe(s => ServiceProbe.LiveGroupMembers(s).Count == 0);
        group.Events.Count(e => e.Kind == ServiceEventKind.Stopped).ShouldBe(2);
    }

    [Fact]
    public async Task When_one_service_fails_the_others_are_stopped()
    {
        var port = ServiceProbe.FreePort();
        var pidFile = _scratch.PathOf("slow.pid");

        var failure = await Should.ThrowAsync<ServiceStartException>(() => ServiceGroup.StartAllAsync(
        [
            ServiceProbe.HttpServer(_scratch, "good", port),
            ServiceProbe.Sh(_scratch, "still-starting", $"echo $$ > '{pidFile}'; exec sleep 600") with { Probes = [new TcpProbe(ServiceProbe.FreePort())] },
            ServiceProbe.Sh(_scratch, "bad", "sleep 2; echo 'cannot bind' >&2; exit 1") with { Probes = [new TcpProbe(ServiceProbe.FreePort())] },
        ]));

        failure.Service.ShouldBe("bad");
        failure.Failure.ExitCode.ShouldBe(1);
        ServiceProbe.IsListening(port).ShouldBeFalse();
        var slowPid = int.Parse((await File.ReadAllTextAsync(pidFile)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        ProcessGroupPlatform.Current.HasLiveMembers(slowPid).ShouldBeFalse();
    }

    [Fact]
    public async Task Invalid_services_are_rejected_together_before_anything_starts()
    {
        var marker = _scratch.PathOf("started");

        var invalid = await Should.ThrowAsync<InvalidRunException>(() => ServiceGroup.StartAllAsync(
        [
            ServiceSpec.Shell("ok", $"touch '{marker}'; exec sleep 600"),
            new ServiceSpec("registry", "no-such-program-xyz")
            {
                Probes = [new HttpProbe("localhost:5000"), new TcpProbe(70000), new OutputProbe("(unclosed")],
                ReadinessTimeout = TimeSpan.Zero,
            },
            ServiceSpec.Shell("ok", "true"),
        ]));

        invalid.Errors.Select(e => e.ToString()).ShouldBe(
        [
            "CPAR0005 Services['registry'].Executable: 'no-such-program-xyz' was not found on PATH.",
            "CPAR0003 Services['registry'].ReadinessTimeout: must be positive, but is 00:00:00.",
            "CPAR0501 Services['registry'].Probes[0].Url: 'localhost:5000' is not an absolute http:// or https:// URL.",
            "CPAR0501 Services['registry'].Probes[1].Port: must be between 1 and 65535, but is 70000.",
            "CPAR0008 Services['registry'].Probes[2].Pattern: '(unclosed' is not a valid regular expression: Invalid pattern '(unclosed' at offset 9. Not enough )'s.",
            "CPAR0502 Services['ok'].Name: another service is also named 'ok'; service names must be unique.",
        ]);
        await Task.Delay(300);
        File.Exists(marker).ShouldBeFalse();
    }
}
