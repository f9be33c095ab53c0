using System.Globalization;
using System.Text.RegularExpressions;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Enriches a docker build leg's result after its last attempt: the image id from <c>--iidfile</c>, the tags, a
/// failure reason that quotes docker's error line, and, after a terminated build, what the daemon still did:
/// classic-builder build containers left running (removed), or a tag a BuildKit build wrote after its client
/// was terminated (reported; removed when <see cref="DockerBuildSettings.RemoveLateTags"/> is on).
/// </summary>
internal sealed partial class DockerLegInspector(DockerEndpoint defaultEndpoint, IReadOnlyDictionary<string, DockerEndpoint> engines, string iidFile, IReadOnlyList<string> tags, DockerBuildSettings build) : ILegInspector
{
    private DockerEndpoint? _endpoint;

    /// <summary>The staging tags the leg pushes instead of its tags (an all-or-nothing publish), or empty.</summary>
    public IReadOnlyList<string> StagingTags { get; init; } = [];

    /// <summary>The leg's copy of its Dockerfile with the labels in one step, removed with the image id file, or <see langword="null"/>.</summary>
    public string? LabelledDockerfileCopy { get; init; }

    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task<LegResult> InspectAsync(LegResult result, CancellationToken cancellationToken)
    {
        // The engine of the last attempt holds the image, its tags and any leftover containers.
        _endpoint = result.Endpoint is { } engine && engines.TryGetValue(engine, out var client) ? client : defaultEndpoint;
        result = result with { Tags = tags, ImageId = ReadImageId() };
        DeleteLabelledDockerfileCopy();
        if (result.Status == LegStatus.Succeeded && build.Push)
        {
            result = await ReadPushedDigestsAsync(result, cancellationToken).ConfigureAwait(false);
        }

        // A leg whose last attempt was lost with its engine already says why (which engines went away); that engine
        // cannot be asked about leftovers.
        if (result.Status == LegStatus.Failed && result.Attempts is [.., { EndpointLost: true }])
        {
            return result;
        }

        if (result.Status == LegStatus.Failed)
        {
            if (DockerFailurePatterns.ErrorLine(result.OutputTail) is { } errorLine)
            {
                var attempts = result.Attempts.Count > 1 ? $" (attempt {result.Attempts.Count} of {result.Attempts.Count})" : "";
                // The push step's output starts with this line; a failure after it is the push's, not the build's.
                var step = result.OutputTail.Any(l => l.StartsWith("The push refers to repository", StringComparison.Ordinal)) ? "docker push" : "docker build";
                result = result with { FailureReason = $"{step} failed with exit code {result.ExitDisplay}{attempts}: {errorLine}" };
            }

            // The classic builder keeps the container of a failed step; a matrix of failing legs would pile them up.
            var remarks = new List<string>(result.Remarks);
            await CheckBuildContainersAsync(ReadLog(result.LogFile), remarks, afterTermination: false, cancellationToken).ConfigureAwait(false);
            result = result with { Remarks = remarks };
        }

        if (result.Status is LegStatus.TimedOut or LegStatus.Cancelled && result.Attempts.Count > 0)
        {
            var remarks = new List<string>(result.Remarks);
            var log = ReadLog(result.LogFile);
            var classic = log.Contains("---> Running in", StringComparison.Ordinal) || ClassicStepPattern().IsMatch(log);
            await CheckBuildContainersAsync(log, remarks, afterTermination: true, cancellationToken).ConfigureAwait(false);
            var lateTag = await WatchForLateTagsAsync(result.Attempts[^1].StartedAt, classic, remarks, cancellationToken).ConfigureAwait(false);
            result = result with { Remarks = remarks };
            if (lateTag is not null)
            {
                result = result with { FailureReason = $"{result.FailureReason}; but the daemon finished the build afterwards and tagged {lateTag}" + (build.RemoveLateTags ? " (tag removed again)" : "") };
            }
        }

        return result;
    }

    /// <summary>
    /// After <c>docker push</c>, the engine lists the pushed repositories' digests in the image's RepoDigests
    /// (<c>repo@sha256:…</c>). Staging tags are then removed from the engine: the registry holds them, and the
    /// engine keeps the image under its final tags.
    /// </summary>
    private async Task<LegResult> ReadPushedDigestsAsync(LegResult result, CancellationToken cancellationToken)
    {
        var digests = new Dictionary<string, string>(StringComparer.Ordinal);
        var remarks = new List<string>(result.Remarks);
        foreach (var tag in StagingTags.Count > 0 ? StagingTags : tags)
        {
            var inspect = await DockerCli.RunAsync(_endpoint!, ["image", "inspect", "--format", "{{range .RepoDigests}}{{println .}}{{end}}", tag], CommandLimit, cancellationToken).ConfigureAwait(false);
            var repository = DockerReference.Repository(tag);
            var digest = inspect.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(d => d.Split('@', 2))
                .FirstOrDefault(d => d.Length == 2 && string.Equals(d[0], repository, StringComparison.Ordinal))?[1];
            if (digest is not null)
            {
                digests[tag] = digest;
            }
            else
            {
                remarks.Add($"pushed {tag}, but its digest could not be read from the engine: {(inspect.Succeeded ? "no matching RepoDigest" : inspect.Message)}");
            }
        }

        foreach (var tag in StagingTags)
        {
            var untag = await DockerCli.RunAsync(_endpoint!, ["image", "rm", "--no-prune", tag], CommandLimit, cancellationToken).ConfigureAwait(false);
            if (!untag.Succeeded)
            {
                remarks.Add($"the staging tag {tag} stays on the engine: removing it failed: {untag.Message}");
            }
        }

        return result with { PushedDigests = digests, Remarks = remarks };
    }

    private string? ReadImageId()
    {
        try
        {
            if (!File.Exists(iidFile))
            {
                return null;
            }

            var id = File.ReadAllText(iidFile).Trim();
            File.Delete(iidFile);
            return id.Length > 0 ? id : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void DeleteLabelledDockerfileCopy()
    {
        try
        {
            if (LabelledDockerfileCopy is not null)
            {
                File.Delete(LabelledDockerfileCopy);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leftover in the temporary folder harms nothing.
        }
    }

    private static string ReadLog(string? logFile)
    {
        try
        {
            return logFile is not null && File.Exists(logFile) ? File.ReadAllText(logFile) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The classic builder names each step's container in its output ("---> Running in 1b2b8d9eff8b"); any of those still present belongs to this leg.</summary>
    private async Task CheckBuildContainersAsync(string log, List<string> remarks, bool afterTermination, CancellationToken cancellationToken)
    {
        var ids = RunningInPattern().Matches(log).Select(m => m.Groups[1].Value).Distinct().ToArray();
        if (ids.Length == 0)
        {
            return;
        }

        // The daemon removes the container of a cancelled classic build itself; give it a moment before calling it a leftover.
        var remaining = await ExistingContainersAsync(ids, CancellationToken.None).ConfigureAwait(false);
        for (var i = 0; afterTermination && i < 6 && remaining.Length > 0 && !cancellationToken.IsCancellationRequested; i++)
        {
            await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
            remaining = await ExistingContainersAsync(ids, CancellationToken.None).ConfigureAwait(false);
        }

        if (remaining.Length == 0)
        {
            return;
        }

        var list = string.Join(", ", remaining);
        var what = afterTermination
            ? $"build container(s) {list} of this leg were still on the daemon after it was terminated"
            : $"the classic builder kept the container(s) {list} of the failed step";
        var removal = await DockerCli.RunAsync(_endpoint!, ["rm", "--force", .. remaining], CommandLimit, CancellationToken.None).ConfigureAwait(false);
        remarks.Add(removal.Succeeded ? $"{what}; removed them." : $"{what}; removing them failed: {removal.Message}");
    }

    private async Task<string[]> ExistingContainersAsync(string[] ids, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "ps", "--all", "--no-trunc", "--format", "{{.ID}}" };
        foreach (var id in ids)
        {
            arguments.AddRange(["--filter", "id=" + id]);
        }

        var listing = await DockerCli.RunAsync(_endpoint!, arguments, CommandLimit, cancellationToken).ConfigureAwait(false);
        return listing.Succeeded
            ? listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(i => i[..Math.Min(12, i.Length)]).ToArray()
            : [];
    }

    /// <summary>
    /// BuildKit keeps building after its client is killed and still tags the image; watch the tags for a while
    /// and report (or remove) one that points at an image created after the attempt started.
    /// </summary>
    private async Task<string?> WatchForLateTagsAsync(DateTimeOffset attemptStarted, bool classic, List<string> remarks, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return null;
        }

        var deadline = DateTimeOffset.UtcNow + (classic ? TimeSpan.Zero : build.LateTagWatch);
        while (true)
        {
            var found = new List<string>();
            foreach (var tag in tags)
            {
                if (await FreshImageAsync(tag, attemptStarted).ConfigureAwait(false) is { } image)
                {
                    await ReportLateTagAsync(tag, image, remarks).ConfigureAwait(false);
                    found.Add(tag);
                }
            }

            if (found.Count > 0)
            {
                return string.Join(", ", found);
            }

            if (DateTimeOffset.UtcNow >= deadline || cancellationToken.IsCancellationRequested)
            {
                break;
            }

            await Task.Delay(PollInterval, CancellationToken.None).ConfigureAwait(false);
        }

        if (!classic)
        {
            var watched = cancellationToken.IsCancellationRequested ? "the run was stopped before watching" : $"none appeared within {DurationText.Format(build.LateTagWatch)}";
            remarks.Add($"a BuildKit build can keep running on the daemon after its client was terminated and still write its tags ({string.Join(", ", tags)}); {watched}.");
        }

        return null;
    }

    private async Task<(string Id, DateTimeOffset Created)?> FreshImageAsync(string tag, DateTimeOffset attemptStarted)
    {
        var inspect = await DockerCli.RunAsync(_endpoint!, ["image", "inspect", "--format", "{{.Id}} {{.Created}}", tag], CommandLimit, CancellationToken.None).ConfigureAwait(false);
        var parts = inspect.StandardOutput.Trim().Split(' ', 2);
        if (!inspect.Succeeded || parts.Length != 2 || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created))
        {
            return null;
        }

        // A second of slack for clocks that tick differently in the daemon.
        return created >= attemptStarted - TimeSpan.FromSeconds(1) ? (parts[0], created) : null;
    }

    private async Task ReportLateTagAsync(string tag, (string Id, DateTimeOffset Created) image, List<string> remarks)
    {
        var when = image.Created.ToUniversalTime().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var found = $"the daemon finished the build after the leg was terminated and tagged {tag} ({image.Id}, created {when})";
        if (!build.RemoveLateTags)
        {
            remarks.Add(found + "; the tag was kept (turn on RemoveLateTags to remove it).");
            return;
        }

        var removal = await DockerCli.RunAsync(_endpoint!, ["image", "rm", "--no-prune", tag], CommandLimit, CancellationToken.None).ConfigureAwait(false);
        remarks.Add(removal.Succeeded ? found + "; removed the tag (RemoveLateTags is on)." : found + $"; removing the tag failed: {removal.Message}");
    }

    [GeneratedRegex(@"---> Running in ([0-9a-f]{12,64})", RegexOptions.CultureInvariant)]
    private static partial Regex RunningInPattern();

    [GeneratedRegex(@"Step \d+/\d+ : ", RegexOptions.CultureInvariant)]
    private static partial Regex ClassicStepPattern();
}
