namespace CakeParallel.Model;

/// <summary>
/// Something about machine-wide admission a person watching the run should know: a leg waits for a shared slot
/// another process holds (with that holder's pid and command line), for memory or for the load to drop, or the
/// shared pool already exists with another count.
/// </summary>
/// <param name="Code">The error catalogue code (<see cref="ErrorCodes.WaitingForSharedSlot"/>, <see cref="ErrorCodes.WaitingForResources"/>, <see cref="ErrorCodes.SharedSlotsCountDiffers"/>).</param>
/// <param name="Leg">The leg that waits, or <see langword="null"/> for a notice about the run.</param>
/// <param name="Message">One sentence.</param>
public sealed record AdmissionNotice(string Code, LegSpec? Leg, string Message);
