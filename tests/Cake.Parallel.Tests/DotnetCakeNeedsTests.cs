using Cake.Parallel.Tests.Infrastructure;

namespace Cake.Parallel.Tests;

/// <summary><c>DependsOn</c> in a real script run by the real <c>dotnet cake</c>, with the addin from the local feed.</summary>
[Collection(DotnetCakeCollection.Name)]
public sealed class DotnetCakeNeedsTests(AddinFeed feed) : IDisposable
{
    private readonly TempDirectory _state = new("cakeparallel-needs");

    public void Dispose() => _state.Dispose();

    [Fact]
    public void Legs_run_after_the_legs_they_depend_on_and_are_not_started_when_one_failed()
    {
        // Each leg appends its name when it ends; "build" and "test" could only see "restore" and "lint" if they ran after them.
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            var state = Argument<string>("state");
            string Mark(string name) => $"sleep 0.2; echo {name} >> '{state}/ended.txt'";
            Task("Default").Does(() =>
            {
                var result = RunParallel(new[]
                {
                    new ParallelLeg("restore", "/bin/sh", "-c", Mark("restore")),
                    new ParallelLeg("lint", "/bin/sh", "-c", Mark("lint")),
                    new ParallelLeg("build", "/bin/sh", "-c", $"cp '{state}/ended.txt' '{state}/seen-by-build.txt'").DependsOn("restore"),
                    new ParallelLeg("test", "/bin/sh", "-c", $"cp '{state}/ended.txt' '{state}/seen-by-test.txt'").DependsOn("build", "lint"),
                    new ParallelLeg("broken", "/bin/sh", "-c", "exit 3"),
                    new ParallelLeg("publish", "/bin/sh", "-c", $"touch '{state}/published'").DependsOn("broken").DependsOn("test"),
                },
                new ParallelSettings { MaxParallel = 2, ThrowOnFailure = false });
                Information("RESULT {0}", string.Join(",", result.Legs.Select(l => l.Name + "=" + l.Status)));
            });
            RunTarget("Default");
            """);

        using var cake = script.Run($"--state={_state.Path}");

        cake.ExitCode.ShouldBe(0, cake.Output);
        cake.Stdout.ShouldContain("RESULT restore=Succeeded,lint=Succeeded,build=Succeeded,test=Succeeded,broken=Failed,publish=NotStarted");
        File.ReadAllLines(_state.Combine("seen-by-build.txt")).ShouldContain("restore");
        File.ReadAllLines(_state.Combine("seen-by-test.txt")).Order().ShouldBe(["lint", "restore"]);
        File.Exists(_state.Combine("published")).ShouldBeFalse();
        cake.Output.ShouldContain("needs broken, which failed");
    }

    [Fact]
    public void Depending_on_an_unknown_leg_or_in_a_cycle_fails_the_task_before_any_leg_starts()
    {
        using var script = new CakeScript(feed, """
            #addin nuget:?package=Cake.Parallel&version=0.1.0&loaddependencies=true
            var state = Argument<string>("state");
            Task("Default").Does(() => RunParallel(new[]
            {
                new ParallelLeg("a", "/bin/sh", "-c", $"touch '{state}/a'").DependsOn("b"),
                new ParallelLeg("b", "/bin/sh", "-c", $"touch '{state}/b'").DependsOn("a"),
                new ParallelLeg("c", "/bin/sh", "-c", $"touch '{state}/c'").DependsOn("nobody"),
            }));
            RunTarget("Default");
            """);

        using var cake = script.Run($"--state={_state.Path}");

        cake.ExitCode.ShouldNotBe(0, cake.Output);
        cake.Output.ShouldContain("CPAR0014 leg 'c' Needs: needs 'nobody', but no leg of the run has that id or name.");
        cake.Output.ShouldContain("CPAR0016 leg 'a' Needs: the legs need each other in a cycle: a -> b -> a");
        Directory.GetFiles(_state.Path).ShouldBeEmpty("no leg was started");
    }
}
