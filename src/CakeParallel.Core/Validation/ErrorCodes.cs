namespace CakeParallel;

/// <summary>
/// Codes of CakeParallel's errors. <c>CPAR00xx</c>: invalid run input; <c>CPAR01xx</c>: leg outcomes;
/// <c>CPAR02xx</c>: docker matrix input; <c>CPAR03xx</c>: matrix files.
/// </summary>
public static class ErrorCodes
{
    /// <summary>The run has no legs.</summary>
    public const string NoLegs = "CPAR0001";

    /// <summary>MaxParallel is less than 1.</summary>
    public const string MaxParallelTooSmall = "CPAR0002";

    /// <summary>A timeout, deadline or grace period is zero or negative.</summary>
    public const string DurationNotPositive = "CPAR0003";

    /// <summary>Two legs have the same name.</summary>
    public const string DuplicateLegName = "CPAR0004";

    /// <summary>A leg's executable does not exist or is not executable.</summary>
    public const string ExecutableNotFound = "CPAR0005";

    /// <summary>A leg's working directory does not exist.</summary>
    public const string WorkingDirectoryNotFound = "CPAR0006";

    /// <summary>A retry setting is out of range (MaxAttempts below 1, a negative delay).</summary>
    public const string RetrySettingInvalid = "CPAR0007";

    /// <summary>A RetryOnOutput pattern is not a valid regular expression.</summary>
    public const string PatternInvalid = "CPAR0008";

    /// <summary>A leg's name is empty or blank.</summary>
    public const string LegNameEmpty = "CPAR0009";

    /// <summary>A run setting is out of range (termination sequence, tail size, line size).</summary>
    public const string SettingInvalid = "CPAR0010";

    /// <summary>The log directory cannot be created.</summary>
    public const string LogDirectoryUnusable = "CPAR0011";

    /// <summary>A leg failed.</summary>
    public const string LegFailed = "CPAR0101";

    /// <summary>A leg timed out.</summary>
    public const string LegTimedOut = "CPAR0102";

    /// <summary>A leg was cancelled.</summary>
    public const string LegCancelled = "CPAR0103";

    /// <summary>A leg never started.</summary>
    public const string LegNotStarted = "CPAR0104";

    /// <summary>A leg's attempt failed and is retried (a warning, so hosts can suppress it by code).</summary>
    public const string LegRetried = "CPAR0105";
}
