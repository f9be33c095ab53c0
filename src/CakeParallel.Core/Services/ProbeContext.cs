namespace CakeParallel.Services;

/// <summary>What a probe may look at: the service's spec and, for <see cref="OutputProbe"/>, its output so far.</summary>
internal sealed record ProbeContext(ServiceSpec Service, ServiceOutput Output);
