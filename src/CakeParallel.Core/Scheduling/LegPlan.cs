using CakeParallel.Model;

namespace CakeParallel.Scheduling;

/// <summary>A validated leg, ready to run: its resolved executable and its log file.</summary>
internal sealed record LegPlan(int Index, LegSpec Leg, string ResolvedExecutable, string LogFile);
