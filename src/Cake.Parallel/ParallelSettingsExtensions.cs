using Cake.Core.IO;
using CakeParallel.Model;

namespace Cake.Parallel;

/// <summary>Fluent setters for <see cref="ParallelSettings"/> and the settings derived from it.</summary>
public static class ParallelSettingsExtensions
{
    /// <summary>Sets the most legs running at once.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="maxParallel">At least 1.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetMaxParallel<T>(this T settings, int maxParallel) where T : ParallelSettings => Apply(settings, s => s.MaxParallel = maxParallel);

    /// <summary>Makes the first finally failed or timed-out leg stop the run.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="failFast">Whether to fail fast.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithFailFast<T>(this T settings, bool failFast = true) where T : ParallelSettings => Apply(settings, s => s.FailFast = failFast);

    /// <summary>Builds every docker build leg, even those whose image with the same inputs hash exists (no <c>UpToDate</c> legs).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="rebuild">Whether to build up-to-date legs too.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithRebuild<T>(this T settings, bool rebuild = true) where T : ParallelSettings => Apply(settings, s => s.Rebuild = rebuild);

    /// <summary>Sets the timeout of each attempt of each leg.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="timeout">A positive duration.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetTimeout<T>(this T settings, TimeSpan timeout) where T : ParallelSettings => Apply(settings, s => s.Timeout = timeout);

    /// <summary>Makes every leg also take a slot of the machine-wide pool <paramref name="name"/> of <paramref name="count"/> slots.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="name">The pool's name: letters, digits, <c>.</c>, <c>_</c>, <c>-</c>.</param>
    /// <param name="count">The pool's slots, at least 1 (the count of the run that created the pool wins).</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetSharedSlots<T>(this T settings, string name, int count) where T : ParallelSettings => Apply(settings, s => s.SharedSlots = new SharedSlots(name, count));

    /// <summary>Starts legs only while at least <paramref name="bytes"/> of memory stay available.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="bytes">The amount, positive.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetMinFreeMemory<T>(this T settings, long bytes) where T : ParallelSettings => Apply(settings, s => s.MinFreeMemory = bytes);

    /// <summary>Starts legs only while the 1-minute load average is below <paramref name="load"/>.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="load">The limit, positive.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetMaxLoad<T>(this T settings, double load) where T : ParallelSettings => Apply(settings, s => s.MaxLoad = load);

    /// <summary>Ends a leg not started when it was not admitted machine-wide within <paramref name="timeout"/>.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="timeout">A positive duration.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetAdmissionTimeout<T>(this T settings, TimeSpan timeout) where T : ParallelSettings => Apply(settings, s => s.AdmissionTimeout = timeout);

    /// <summary>Sets the deadline of the whole run.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="deadline">A positive duration, measured from the run's start.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetDeadline<T>(this T settings, TimeSpan deadline) where T : ParallelSettings => Apply(settings, s => s.Deadline = deadline);

    /// <summary>Sets how long legs may take to exit after <c>SIGTERM</c> before they are killed.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="gracePeriod">Zero or more.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetGracePeriod<T>(this T settings, TimeSpan gracePeriod) where T : ParallelSettings => Apply(settings, s => s.GracePeriod = gracePeriod);

    /// <summary>Retries failed legs up to <paramref name="maxAttempts"/> attempts in all, with exponential backoff.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="maxAttempts">Total attempts, the first included.</param>
    /// <param name="initialDelay">The wait before the first retry; unchanged when <see langword="null"/>.</param>
    /// <param name="maxDelay">The longest wait; unchanged when <see langword="null"/>.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithRetry<T>(this T settings, int maxAttempts, TimeSpan? initialDelay = null, TimeSpan? maxDelay = null) where T : ParallelSettings =>
        Apply(settings, s => s.RetryOrNew().Configure(maxAttempts, initialDelay, maxDelay));

    /// <summary>Retries only attempts that exited with one of <paramref name="exitCodes"/> (or match a <c>RetryOnOutput</c> pattern).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="exitCodes">The retryable exit codes.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithRetryOnExitCodes<T>(this T settings, params int[] exitCodes) where T : ParallelSettings =>
        Apply(settings, s => s.RetryOrNew().RetryOnExitCodes.AddAll(exitCodes));

    /// <summary>Retries only attempts whose output tail matches one of <paramref name="patterns"/> (or exit with a <c>RetryOnExitCodes</c> code).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="patterns">Regular expressions.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithRetryOnOutput<T>(this T settings, params string[] patterns) where T : ParallelSettings =>
        Apply(settings, s => s.RetryOrNew().RetryOnOutput.AddAll(patterns));

    /// <summary>Retries timed-out attempts too.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="retryOnTimeout">Whether timed-out attempts are retried.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithRetryOnTimeout<T>(this T settings, bool retryOnTimeout = true) where T : ParallelSettings =>
        Apply(settings, s => s.RetryOrNew().RetryOnTimeout = retryOnTimeout);

    /// <summary>Sets whether a run with unsuccessful legs throws (default true).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="throwOnFailure">Whether to throw.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithThrowOnFailure<T>(this T settings, bool throwOnFailure = true) where T : ParallelSettings => Apply(settings, s => s.ThrowOnFailure = throwOnFailure);

    /// <summary>Sets where each leg's complete log is written (relative to the Cake working directory).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="logDirectory">The directory; created when missing.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetLogDirectory<T>(this T settings, DirectoryPath logDirectory) where T : ParallelSettings => Apply(settings, s => s.LogDirectory = logDirectory);

    /// <summary>Sets how the legs' output appears in the Cake log.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="outputMode">The mode.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetOutputMode<T>(this T settings, ParallelOutputMode outputMode) where T : ParallelSettings => Apply(settings, s => s.OutputMode = outputMode);

    /// <summary>Turns the live progress display of interactive terminals on or off.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="liveProgress">Whether to show it when the terminal is interactive.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithLiveProgress<T>(this T settings, bool liveProgress = true) where T : ParallelSettings => Apply(settings, s => s.LiveProgress = liveProgress);

    /// <summary>Writes the run's JSON report to <paramref name="reportFile"/> when it ends, whatever the outcome.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="reportFile">The file, relative to the Cake working directory; its folder is created when missing.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetReportFile<T>(this T settings, FilePath reportFile) where T : ParallelSettings => Apply(settings, s => s.ReportFile = reportFile);

    /// <summary>Writes a JUnit XML file with one testcase per leg when the run ends.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="junitFile">The file, relative to the Cake working directory.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetJUnitFile<T>(this T settings, FilePath junitFile) where T : ParallelSettings => Apply(settings, s => s.JUnitFile = junitFile);

    /// <summary>Writes a Markdown summary of the run when it ends.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="markdownFile">The file, relative to the Cake working directory.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetMarkdownFile<T>(this T settings, FilePath markdownFile) where T : ParallelSettings => Apply(settings, s => s.MarkdownFile = markdownFile);

    /// <summary>Writes a self-contained HTML timeline of the run when it ends.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="htmlFile">The file, relative to the Cake working directory.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetHtmlFile<T>(this T settings, FilePath htmlFile) where T : ParallelSettings => Apply(settings, s => s.HtmlFile = htmlFile);

    /// <summary>Chooses which CI system's annotations are printed after the summary (<see cref="CiAnnotationMode.Off"/> for none).</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="mode">Auto (detected from the environment), off, or a named CI system.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T WithCiAnnotations<T>(this T settings, CiAnnotationMode mode) where T : ParallelSettings => Apply(settings, s => s.CiAnnotations = mode);

    /// <summary>Runs only shard <paramref name="shard"/> (<c>i/n</c>) of the matrix.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="shard">The shard, e.g. <c>"2/4"</c>.</param>
    /// <returns>The same settings instance, for chaining.</returns>
    public static T SetShard<T>(this T settings, string shard) where T : ParallelSettings => Apply(settings, s => s.Shard = shard);

    /// <summary>Adds an earlier JSON report to learn expected leg durations from.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="reportFile">The report.</param>
    /// <returns>The same settings instance, for chaining.</returns>
    public static T AddHistoryFrom<T>(this T settings, FilePath reportFile) where T : ParallelSettings => Apply(settings, s => s.HistoryFrom.Add(reportFile));

    /// <summary>Re-runs only what did not succeed in an earlier run; the legs that did are reused from its report.</summary>
    /// <typeparam name="T">The settings type.</typeparam>
    /// <param name="settings">The settings.</param>
    /// <param name="reportFile">The earlier run's JSON report, relative to the Cake working directory.</param>
    /// <returns>The same settings, for chaining.</returns>
    public static T SetResumeFrom<T>(this T settings, FilePath reportFile) where T : ParallelSettings => Apply(settings, s => s.ResumeFrom = reportFile);

    private static T Apply<T>(T settings, Action<T> change) where T : ParallelSettings
    {
        ArgumentNullException.ThrowIfNull(settings);
        change(settings);
        return settings;
    }
}
