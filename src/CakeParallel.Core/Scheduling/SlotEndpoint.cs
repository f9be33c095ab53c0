using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>
/// One place attempts run, with a slot limit of its own (a docker engine of a pool): which legs it takes, how an
/// attempt's processes are pointed at it, and how to ask whether it still answers. Its slot count and up/down
/// state belong to <see cref="AttemptSlots"/>.
/// </summary>
/// <param name="Name">The name results and reports use; <see langword="null"/> for the run's one implicit place (no endpoints).</param>
/// <param name="Limit">The most attempts running here at once.</param>
/// <param name="Takes">Whether a leg with this platform (or <see langword="null"/>) may run here.</param>
/// <param name="Route">Points one process of an attempt at this endpoint.</param>
/// <param name="Probe">Asks whether the endpoint answers: <see langword="null"/> when it does, else why not; <see langword="null"/> for a place that cannot go away.</param>
internal sealed record SlotEndpoint(
    string? Name,
    int Limit,
    Func<string?, bool> Takes,
    Func<ProcessCommand, ProcessCommand> Route,
    Func<CancellationToken, Task<string?>>? Probe)
{
    /// <summary>The run's one implicit place when it has no endpoints: every leg, processes unchanged, never down.</summary>
    public static SlotEndpoint Local(int limit) => new(null, limit, _ => true, c => c, null);
}
