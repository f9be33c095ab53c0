namespace CakeParallel.Supervision;

/// <summary>A supervised process could not be started; nothing of it runs. The message reads <c>could not start '…': why</c>.</summary>
internal sealed class ProcessStartException(string executable, string reason, Exception? inner = null)
    : Exception($"could not start '{executable}': {reason}", inner);
