#addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true

Task("Smoke").Does(() =>
{
    // A test server beside the build: ready before the legs start, stopped when the block ends.
    using var web = StartService("web", "python3", new ServiceSettings()
        .WithArguments("-m", "http.server", "18765", "--bind", "127.0.0.1")
        .WaitForHttp("http://127.0.0.1:18765/")
        .SetReadinessTimeout(TimeSpan.FromSeconds(30)));
    Information("{0} is {1}; its log: {2}", web.Name, web.State, web.LogFile);

    RunParallel(new[]
    {
        new ParallelLeg("index", "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:18765/"),
        new ParallelLeg("script", "curl", "-sf", "-o", "/dev/null", "http://127.0.0.1:18765/build.cake"),
    });
});

RunTarget("Smoke");
