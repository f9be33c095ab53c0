namespace CakeParallel.Model;

/// <summary>
/// The one catalogue of CakeParallel's error codes, by range: <c>CPAR00xx</c> invalid run input;
/// <c>CPAR01xx</c> leg outcomes; <c>CPAR02xx</c> docker matrix input; <c>CPAR03xx</c> matrix files;
/// <c>CPAR04xx</c> reports; <c>CPAR05xx</c> services; <c>CPAR06xx</c> machine-wide admission (shared slots, memory, load). A new area takes the next free hundred; a code, once
/// published, keeps its meaning.
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

    /// <summary>A <c>CAKEPARALLEL_*</c> environment variable has a value that is not valid for its setting.</summary>
    public const string EnvironmentVariableInvalid = "CPAR0012";

    /// <summary>The machine cannot supervise legs: it is not Linux, or /proc, pidfds (Linux 5.4) or glibc 2.34 are missing.</summary>
    public const string PlatformUnsupported = "CPAR0013";

    /// <summary>A leg needs a leg that is not in the run (no leg has that id or name).</summary>
    public const string NeedUnknown = "CPAR0014";

    /// <summary>A leg needs itself.</summary>
    public const string NeedsItself = "CPAR0015";

    /// <summary>Legs need each other in a cycle (the message names the legs of the cycle in order, e.g. <c>a -&gt; b -&gt; a</c>).</summary>
    public const string NeedsCycle = "CPAR0016";

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

    /// <summary>The matrix is malformed: an axis without values or declared twice, an exclude naming no axis, legs mixed with axes.</summary>
    public const string MatrixInvalid = "CPAR0201";

    /// <summary>The matrix expands to no legs.</summary>
    public const string MatrixEmpty = "CPAR0202";

    /// <summary>A template uses a <c>{PLACEHOLDER}</c> that is not a parameter of the leg, or has unbalanced braces.</summary>
    public const string PlaceholderUnknown = "CPAR0203";

    /// <summary>A docker leg's build context directory does not exist.</summary>
    public const string DockerContextNotFound = "CPAR0204";

    /// <summary>A docker leg's Dockerfile does not exist.</summary>
    public const string DockerfileNotFound = "CPAR0205";

    /// <summary>A tag is not a valid docker image reference.</summary>
    public const string DockerTagInvalid = "CPAR0206";

    /// <summary>Two legs would write the same tag.</summary>
    public const string DockerTagDuplicate = "CPAR0207";

    /// <summary>A docker build setting is invalid (an empty build arg name, a secret without a source, a label key that is blank, ...).</summary>
    public const string DockerSettingInvalid = "CPAR0208";

    /// <summary>A docker secret's source file or environment variable is missing.</summary>
    public const string DockerSecretUnavailable = "CPAR0209";

    /// <summary>The docker daemon a leg would use is not reachable.</summary>
    public const string DockerDaemonNotReachable = "CPAR0210";

    /// <summary>A docker engine of the run's pool did not answer before the run; a warning: it is left out while others remain.</summary>
    public const string DockerEngineLeftOut = "CPAR0212";

    /// <summary>No docker engine of the run's pool answers.</summary>
    public const string NoDockerEngineReachable = "CPAR0213";

    /// <summary>A leg's platform is built by no reachable docker engine of the pool.</summary>
    public const string NoDockerEngineForPlatform = "CPAR0214";

    /// <summary>The matrix would expand to more legs than its cap (MaxLegs, default 10,000), counted before expansion.</summary>
    public const string MatrixTooLarge = "CPAR0211";

    /// <summary>An all-or-nothing publish is asked for without push (<c>build.publish</c> needs <c>build.push</c>).</summary>
    public const string DockerPublishNeedsPush = "CPAR0219";

    /// <summary>An all-or-nothing publish is asked for in a sharded run: one shard cannot know the other shards' outcome.</summary>
    public const string DockerPublishSharded = "CPAR0220";

    /// <summary>An all-or-nothing publish was held back because a leg did not succeed; no final tag was written (the legs' own failures fail the run).</summary>
    public const string DockerPublishHeldBack = "CPAR0221";

    /// <summary>The registry refused or failed a step of an all-or-nothing publish (reading a staged manifest, writing a final tag); fails the run.</summary>
    public const string DockerPublishFailed = "CPAR0222";

    /// <summary>A staging tag of an all-or-nothing publish stays in the registry, which cannot delete a tag alone (a warning).</summary>
    public const string DockerStagingTagKept = "CPAR0223";

    /// <summary>The matrix file does not exist or cannot be read.</summary>
    public const string MatrixFileUnreadable = "CPAR0301";

    /// <summary>The matrix file is not valid JSON.</summary>
    public const string MatrixFileSyntax = "CPAR0302";

    /// <summary>The matrix file has a key that is not part of the format.</summary>
    public const string MatrixFileUnknownKey = "CPAR0303";

    /// <summary>A value in the matrix file has the wrong JSON type.</summary>
    public const string MatrixFileWrongType = "CPAR0304";

    /// <summary>A value in the matrix file has the right type but is out of range or malformed (e.g. a duration).</summary>
    public const string MatrixFileValueInvalid = "CPAR0305";

    /// <summary>The matrix file lacks a required key.</summary>
    public const string MatrixFileMissingKey = "CPAR0306";

    /// <summary>A target of the matrix file needs a target the file does not define.</summary>
    public const string TargetNeedUnknown = "CPAR0307";

    /// <summary>The targets' needs form a cycle (e.g. <c>base -> app -> base</c>).</summary>
    public const string TargetNeedCycle = "CPAR0308";

    /// <summary>A leg of a target matches no leg of a target it needs (no leg there has its shared axis values).</summary>
    public const string TargetNeedUnmatched = "CPAR0309";

    /// <summary>The matrix file has both <c>targets</c> and a top-level <c>matrix</c>.</summary>
    public const string TargetsWithMatrix = "CPAR0310";

    /// <summary>A target's name is not letters, digits, '-' and '_', or is also a parameter of a target that needs it.</summary>
    public const string TargetNameInvalid = "CPAR0311";

    // CPAR04xx: reports (invalid report settings are reported with the other input errors; writing failures after the run).
    /// <summary>A report file path is blank, names a directory, or its folder cannot be created.</summary>
    public const string ReportPathUnusable = "CPAR0401";

    /// <summary>Two reports are set to the same file.</summary>
    public const string ReportPathsCollide = "CPAR0402";

    /// <summary>The report to resume from is missing, unreadable, not a CakeParallel report, or of an unsupported schema version.</summary>
    public const string ResumeReportUnusable = "CPAR0403";

    /// <summary>The CI annotation mode is not one of the defined values.</summary>
    public const string AnnotationModeInvalid = "CPAR0404";

    /// <summary>A report could not be written after the run (see <c>ReportWriteException</c>); the legs' results stand.</summary>
    public const string ReportNotWritten = "CPAR0405";

    /// <summary>A report named by <c>HistoryFrom</c> is missing, unreadable or not a CakeParallel report.</summary>
    public const string HistoryReportUnusable = "CPAR0406";

    /// <summary>A report to merge is missing, unreadable, not a CakeParallel report, or records no matrix.</summary>
    public const string MergeReportUnusable = "CPAR0407";

    /// <summary>The reports to merge are of different matrices (their matrix fingerprints differ).</summary>
    public const string MergeMatricesDiffer = "CPAR0408";

    /// <summary>A leg is reported by two of the reports to merge.</summary>
    public const string MergeLegDuplicate = "CPAR0409";

    /// <summary>The shard setting is invalid: not <c>i/n</c> with 1 ≤ i ≤ n, or a shard count that is not a whole number or <c>auto</c>.</summary>
    public const string ShardInvalid = "CPAR0410";

    /// <summary>The shard plan file is missing or unreadable, is of another matrix, or has no entry for the shard.</summary>
    public const string ShardPlanUnusable = "CPAR0411";

    /// <summary>The shard settings would run a leg in another shard than a leg it needs (a shard plan that splits legs joined by needs).</summary>
    public const string ShardSplitsNeeds = "CPAR0412";

    // CPAR05xx: services (invalid service input otherwise uses the run codes above where the meaning is the same).
    /// <summary>A readiness probe's settings are invalid (URL, host, port).</summary>
    public const string ServiceProbeInvalid = "CPAR0501";

    /// <summary>Two services have the same name.</summary>
    public const string ServiceNameDuplicate = "CPAR0502";

    /// <summary>A service could not be started, or exited before it was ready.</summary>
    public const string ServiceStartFailed = "CPAR0503";

    /// <summary>A service did not become ready within its readiness timeout and was stopped.</summary>
    public const string ServiceNotReadyInTime = "CPAR0504";

    /// <summary>A service exited on its own after it was ready.</summary>
    public const string ServiceDied = "CPAR0505";

    /// <summary>A service was stopped (or its start cancelled) before it was ready.</summary>
    public const string ServiceStartCancelled = "CPAR0506";

    /// <summary>
    /// A probed local port is held by a process that is not part of the service: before the start (the process
    /// holding it is named), or a probe was answered by another process's server.
    /// </summary>
    public const string ServicePortInUse = "CPAR0507";

    /// <summary>A service's main process exited with code 0 before it was ready but left processes running (it daemonizes).</summary>
    public const string ServiceDaemonized = "CPAR0508";

    /// <summary>A service failed its health checks too many times in a row after it was ready.</summary>
    public const string ServiceUnhealthy = "CPAR0509";

    /// <summary>A service's log file is being written by another service or run.</summary>
    public const string ServiceLogInUse = "CPAR0510";

    // CPAR06xx: machine-wide admission (shared slots, memory and load).
    /// <summary>A shared slot pool's name or count is invalid.</summary>
    public const string SharedSlotsInvalid = "CPAR0601";

    /// <summary>A shared slot pool already exists with another count; the first count wins (a warning).</summary>
    public const string SharedSlotsCountDiffers = "CPAR0602";

    /// <summary>A leg waits for a shared slot that another process holds (a notice).</summary>
    public const string WaitingForSharedSlot = "CPAR0603";

    /// <summary>A leg waits for free memory or a lower load (a notice).</summary>
    public const string WaitingForResources = "CPAR0604";

    /// <summary>A leg was not admitted within the admission timeout and did not start.</summary>
    public const string AdmissionTimedOut = "CPAR0605";

    /// <summary>An admission setting is out of range (a leg's memory, the free-memory threshold, the load limit, the admission timeout).</summary>
    public const string AdmissionSettingInvalid = "CPAR0606";

    /// <summary>The folder of the machine-wide pools cannot be created or written.</summary>
    public const string SharedSlotsFolderUnusable = "CPAR0607";
}
