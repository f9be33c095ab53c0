namespace CakeParallel.Model;

/// <summary>
/// Runs once after a leg's last attempt and may enrich its result: docker legs read the image id, and after a
/// terminated build look for what the daemon kept doing.
/// </summary>
public interface ILegInspector
{
    /// <summary>Returns the result, possibly with <see cref="LegResult.ImageId"/>, <see cref="LegResult.Tags"/> or <see cref="LegResult.Remarks"/> set.</summary>
    /// <param name="result">The leg's result as the runner recorded it.</param>
    /// <param name="cancellationToken">Cancelled when the run is cancelled; inspection should then be quick.</param>
    Task<LegResult> InspectAsync(LegResult result, CancellationToken cancellationToken);
}
