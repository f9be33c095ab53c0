using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>Where a leg's attempts may run: endpoints that take its platform, and only one of them when it needs an image only that engine has.</summary>
/// <param name="Platform">The platform the leg builds for (see <see cref="SlotEndpoint.Takes"/>); <see langword="null"/>: any.</param>
/// <param name="Endpoint">The one endpoint the leg must run on (by name), because a leg it needs left its image only there; <see langword="null"/>: any that takes the platform.</param>
internal sealed record LegPlacement(string? Platform, string? Endpoint = null)
{
    /// <summary>The leg as the results of its needs make it here (see <see cref="LegSpec.BindNeeds"/>); <see langword="null"/>: as planned.</summary>
    public LegSpec? Leg { get; init; }

    /// <summary>
    /// When <see cref="Endpoint"/> is down: builds the needs whose images are only there again elsewhere and returns
    /// where the leg runs then; throws <see cref="NoEndpointException"/> with the reason when they cannot be.
    /// <see langword="null"/>: the leg cannot move.
    /// </summary>
    public Func<CancellationToken, Task<LegPlacement>>? Relocate { get; init; }

    /// <summary>Whether an attempt of the leg may run on <paramref name="endpoint"/>.</summary>
    public bool Allows(SlotEndpoint endpoint) => endpoint.Takes(Platform) && (Endpoint is null || endpoint.Name == Endpoint);
}
