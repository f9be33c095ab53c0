#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

// Test script: one leg of each outcome. Every leg carries the marker, so the test can look for survivors.
var marker = Argument<string>("marker");
var state = Argument<string>("state");
var throwOnFailure = Argument<bool>("throw", false);

Task("Default").Does(() =>
{
    var legs = new[]
    {
        new ParallelLeg("ok", "/bin/sh", "-c", "echo all good"),
        new ParallelLeg("broken", "/bin/sh", "-c", "echo compiling; echo 'error CS1002: ; expected' >&2; exit 3"),
        new ParallelLeg("flaky", "/bin/sh", "-c", "n=$(cat flaky.count 2>/dev/null || echo 0); echo $((n+1)) > flaky.count; if [ $n -eq 0 ]; then echo 'registry: TLS handshake timeout'; exit 1; fi; echo pushed")
            .SetWorkingDirectory(state)
            .WithRetry(3, TimeSpan.FromMilliseconds(100)),
        new ParallelLeg("hangs", "/bin/sh", "-c", "echo waiting forever; sleep 300; echo never")
            .SetTimeout(TimeSpan.FromSeconds(2)),
    };
    var result = RunParallel(
        legs.Select(l => l.WithEnvironmentVariable("CAKEPARALLEL_MARKER", marker)),
        new ParallelSettings { GracePeriod = TimeSpan.FromSeconds(1), ThrowOnFailure = throwOnFailure });
    Information("RESULT {0}", string.Join(",", result.Legs.Select(l => l.Name + "=" + l.Status)));
});

RunTarget("Default");
