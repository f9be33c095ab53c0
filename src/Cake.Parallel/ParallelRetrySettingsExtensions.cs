namespace Cake.Parallel;

/// <summary>Shared steps of the fluent retry setters.</summary>
internal static class ParallelRetrySettingsExtensions
{
    public static ParallelRetrySettings Configure(this ParallelRetrySettings retry, int maxAttempts, TimeSpan? initialDelay, TimeSpan? maxDelay)
    {
        retry.MaxAttempts = maxAttempts;
        retry.InitialDelay = initialDelay ?? retry.InitialDelay;
        retry.MaxDelay = maxDelay ?? retry.MaxDelay;
        return retry;
    }

    public static void AddAll<TItem>(this ICollection<TItem> collection, IEnumerable<TItem> items)
    {
        foreach (var item in items)
        {
            collection.Add(item);
        }
    }
}
