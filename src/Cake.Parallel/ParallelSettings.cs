using Cake.Core.IO;

namespace Cake.Parallel;

/// <summary>How <see cref="ParallelAliases.RunParallel"/> schedules, supervises and reports its legs.</summary>
public class ParallelSettings
{
    /// <summary>Gets or sets the most legs running at once; <see langword="null"/> for the processor count.</summary>
    public int? MaxParallel { get; set; }

    /// <summary>
    /// Gets or sets whether the first leg that finally fails or times out stops the run: running legs are
    /// terminated and waiting legs never start. Default false: every leg runs.
    /// </summary>
    public bool FailFast { get; set; }

    /// <summary>Gets or sets the timeout of each attempt of each leg; <see langword="null"/> for none.</summary>
    public TimeSpan? Timeout { get; set; }

    /// <summary>Gets or sets the deadline of the whole run, from its start; <see langword="null"/> for none.</summary>
    public TimeSpan? Deadline { get; set; }

    /// <summary>
    /// Gets or sets how long a leg's processes may take to exit after <c>SIGTERM</c> (on timeout, fail-fast or
    /// Ctrl+C) before they are killed; <see langword="null"/> for the engine's default of 10 s.
    /// </summary>
    public TimeSpan? GracePeriod { get; set; }

    /// <summary>Gets or sets the retry policy of legs that do not set their own (default: no retries).</summary>
    public ParallelRetrySettings Retry { get; set; } = new();

    /// <summary>
    /// Gets or sets whether a run in which any leg did not succeed throws a <see cref="Cake.Core.CakeException"/>
    /// naming those legs (default true). A cancelled run (Ctrl+C) always throws.
    /// </summary>
    public bool ThrowOnFailure { get; set; } = true;

    /// <summary>
    /// Gets or sets where each leg's complete log is written; relative paths are resolved against the Cake working
    /// directory. <see langword="null"/> for a new folder under the temp directory.
    /// </summary>
    public DirectoryPath? LogDirectory { get; set; }

    /// <summary>Gets or sets how the legs' output appears in the Cake log (default <see cref="ParallelOutputMode.Live"/>).</summary>
    public ParallelOutputMode OutputMode { get; set; } = ParallelOutputMode.Live;
}
