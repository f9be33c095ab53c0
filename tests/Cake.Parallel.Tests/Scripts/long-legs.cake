#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

// Test script: legs that run until they are terminated; one ignores SIGTERM, so only SIGKILL ends it.
var marker = Argument<string>("marker");

Task("Default").Does(() =>
{
    var legs = new[]
    {
        new ParallelLeg("long-1", "/bin/sh", "-c", "echo long-1 running; sleep 300"),
        new ParallelLeg("long-2", "/bin/sh", "-c", "trap '' TERM; echo long-2 ignores SIGTERM; sleep 300"),
        new ParallelLeg("queued", "/bin/sh", "-c", "echo queued ran"),
    };
    RunParallel(
        legs.Select(l => l.WithEnvironmentVariable("CAKEPARALLEL_MARKER", marker)),
        new ParallelSettings { MaxParallel = 2, GracePeriod = TimeSpan.FromSeconds(1) });
    Information("not reached");
});

RunTarget("Default");
