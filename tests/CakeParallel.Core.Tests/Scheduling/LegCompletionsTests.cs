using CakeParallel.Model;
using CakeParallel.Scheduling;

namespace CakeParallel.Tests.Scheduling;

/// <summary>What a leg's needs allow once they are done: whether it runs, and on which engine their images are.</summary>
public sealed class LegCompletionsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static LegPlan Plan(int index, string name, params int[] needs) =>
        new(index, LegSpec.Shell(name, "true"), "/bin/sh", $"/tmp/{name}.log") { Needs = needs };

    private static LegResult Result(string name, LegStatus status, string? endpoint = null, bool pushed = false, bool staged = false) => new()
    {
        Name = name,
        Id = LegId.FromName(name),
        Status = status,
        Endpoint = endpoint,
        Tags = ["registry/x:1"],
        PushedDigests = pushed ? new Dictionary<string, string> { ["registry/x:1"] = "sha256:0" }
            : staged ? new Dictionary<string, string> { ["registry/x:cakeparallel-staging-run-leg"] = "sha256:0" }
            : new Dictionary<string, string>(),
    };

    [Fact]
    public async Task A_leg_waits_until_every_need_is_done_and_gets_their_results_in_the_order_it_named_them()
    {
        var completions = new LegCompletions(3);
        var wait = completions.WaitAsync(Plan(2, "app", 1, 0), CancellationToken.None);
        completions.Complete(0, Result("base", LegStatus.Succeeded));
        await Task.Delay(50);
        wait.IsCompleted.ShouldBeFalse("one need is still running");
        completions.Complete(1, Result("tools", LegStatus.Reused));

        var outcome = await wait.WaitAsync(Patience);

        outcome.Unmet.ShouldBeNull();
        outcome.Results.Select(r => r.Name).ShouldBe(["tools", "base"]);
        outcome.Endpoint.ShouldBeNull("no engines");
    }

    [Fact]
    public async Task A_need_that_did_not_succeed_ends_the_wait_at_once_naming_how_it_ended()
    {
        var completions = new LegCompletions(3);
        var wait = completions.WaitAsync(Plan(2, "app", 0, 1), CancellationToken.None);
        completions.Complete(1, Result("lint", LegStatus.TimedOut));

        (await wait.WaitAsync(Patience)).Unmet.ShouldBe("needs lint, which timed out");
    }

    [Fact]
    public async Task An_unpushed_image_pins_the_leg_to_the_engine_that_built_it_and_a_pushed_one_does_not()
    {
        var completions = new LegCompletions(6);
        completions.Complete(0, Result("base", LegStatus.Succeeded, endpoint: "a"));
        completions.Complete(1, Result("pushed", LegStatus.Succeeded, endpoint: "b", pushed: true));
        completions.Complete(2, Result("other", LegStatus.Succeeded, endpoint: "c"));

        (await completions.WaitAsync(Plan(3, "app", 0, 1), CancellationToken.None)).Endpoint.ShouldBe("a");
        (await completions.WaitAsync(Plan(3, "app", 1), CancellationToken.None)).Endpoint.ShouldBeNull();

        // An all-or-nothing publish pushed only a staging tag: the leg's own tag is not in the registry yet.
        completions.Complete(3, Result("staged", LegStatus.Succeeded, endpoint: "b", staged: true));
        (await completions.WaitAsync(Plan(4, "app", 3), CancellationToken.None)).Endpoint.ShouldBe("b");
        var split = await completions.WaitAsync(Plan(4, "both", 0, 2), CancellationToken.None);
        split.Unmet.ShouldBe("the legs it needs left their images, unpushed, on different engines (base on engine 'a', other on engine 'c'), so no engine has them all");
        split.GatherOn.ShouldBe("a", "a tie goes to the engine of the first need");

        // The engine that holds the most of them is where the others would be built again.
        completions.Complete(4, Result("tools", LegStatus.Succeeded, endpoint: "c"));
        (await completions.WaitAsync(Plan(5, "three", 0, 2, 4), CancellationToken.None)).GatherOn.ShouldBe("c");
    }

    [Fact]
    public async Task Only_successes_and_reuses_satisfy_dependents_and_a_stopped_run_cancels_the_wait()
    {
        Enum.GetValues<LegStatus>().Where(s => s.SatisfiesDependents()).ShouldBe([LegStatus.Succeeded, LegStatus.Reused, LegStatus.UpToDate]);
        using var stop = new CancellationTokenSource();
        var wait = new LegCompletions(2).WaitAsync(Plan(1, "app", 0), stop.Token);
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => wait);
    }
}
