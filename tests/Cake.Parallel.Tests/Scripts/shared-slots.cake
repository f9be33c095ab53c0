#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

// Test script: three one-second legs that stamp their start and end; with --pool, they share a machine-wide pool
// of 2 slots set in the script, else CAKEPARALLEL_SHARED_SLOTS names it.
var stamps = Argument<string>("stamps");
var name = Argument<string>("name");
var pool = Argument<string>("pool", "");

Task("Default").Does(() =>
{
    var legs = Enumerable.Range(1, 3)
        .Select(i => new ParallelLeg($"{name}{i}", "/bin/sh", "-c", $"echo $(date +%s%N) > {stamps}/{name}{i}.start; sleep 1; echo $(date +%s%N) > {stamps}/{name}{i}.end"))
        .ToArray();
    var settings = new ParallelSettings { MaxParallel = 3 };
    if (pool.Length > 0)
    {
        settings.SetSharedSlots(pool, 2);
    }

    var result = RunParallel(legs, settings);
    Information("RESULT " + result.Succeeded);
});

RunTarget("Default");
