using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CakeParallel.Model;
using CakeParallel.Reports;

namespace CakeParallel.Runs;

/// <summary>
/// How a matrix is split into CI jobs: every shard with the legs it runs, written once by a plan job
/// (<see cref="Create(IReadOnlyList{LegSpec}, ShardCountRequest, DurationHistory)"/>, <see cref="Write"/>) and read by every shard job (<see cref="RunOptions.ShardPlan"/>), so all
/// jobs agree on the split whatever history each of them sees.
/// </summary>
/// <param name="Fingerprint">The matrix's fingerprint (see <see cref="MatrixLayout.FingerprintOf"/>).</param>
/// <param name="BalancedBy"><c>expectedDuration</c> when history balanced the shards, else <c>count</c>.</param>
/// <param name="Shards">Every shard, in order.</param>
public sealed record ShardPlan(string Fingerprint, string BalancedBy, IReadOnlyList<ShardPlanEntry> Shards)
{
    /// <summary>The schema version of the plan file.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The most jobs a GitHub Actions matrix may have; the default cap of <see cref="ShardCountRequest.JobLimit"/>.</summary>
    public const int GitHubJobLimit = 256;

    /// <summary>The output name a plan writes to <c>$GITHUB_OUTPUT</c>: a JSON array of <c>{"shard": "i/n", "legs": [names]}</c> for <c>fromJSON</c>.</summary>
    public const string GitHubOutputName = "shards";

    /// <summary>
    /// Splits <paramref name="legs"/> into shards: by expected duration (greedy LPT) when <paramref name="history"/>
    /// knows any leg, else by count (see <see cref="ShardAssignment"/>).
    /// </summary>
    /// <param name="legs">The matrix's legs, in matrix order (each shard lists its legs in this order).</param>
    /// <param name="count">How many shards, or <c>auto</c> (see <see cref="ShardCountRequest"/>).</param>
    /// <param name="history">The expected durations, or <see cref="DurationHistory.None"/>.</param>
    /// <remarks>Legs joined by needs (<see cref="LegSpec.Needs"/>) always share a shard: each such group is placed whole.</remarks>
    /// <exception cref="InvalidRunException">The legs' needs are invalid (<see cref="ErrorCodes.NeedUnknown"/>, <see cref="ErrorCodes.NeedsItself"/>, <see cref="ErrorCodes.NeedsCycle"/>).</exception>
    public static ShardPlan Create(IReadOnlyList<LegSpec> legs, ShardCountRequest count, DurationHistory history)
    {
        ArgumentNullException.ThrowIfNull(legs);
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(history);
        var errors = new List<ValidationError>();
        var needs = NeedsGraph.Resolve(legs, errors);
        if (errors.Count > 0)
        {
            throw new InvalidRunException(errors);
        }

        var expected = needs.Components().Select(g => (IReadOnlyList<(string Id, TimeSpan? Expected)>)g.Select(i => (legs[i].Id, history.Expected(legs[i].Id))).ToArray()).ToArray();
        var byDuration = history.Count > 0;
        var shardCount = count.Count ?? AutoCount(expected, count, byDuration);
        var assignment = byDuration ? ShardAssignment.ByExpectedDuration(expected, shardCount) : ShardAssignment.ByCount(needs.ComponentIds(), shardCount);
        var entries = Enumerable.Range(1, shardCount).Select(index =>
        {
            var shardLegs = legs.Where(l => assignment[l.Id] == index)
                .Select(l => new ShardPlanLeg(l.Id, l.Name, history.Expected(l.Id)))
                .ToArray();
            TimeSpan? total = shardLegs.Any(l => l.ExpectedDuration is not null) ? shardLegs.Aggregate(TimeSpan.Zero, (sum, l) => sum + (l.ExpectedDuration ?? TimeSpan.Zero)) : null;
            return new ShardPlanEntry(new Shard(index, shardCount), total, shardLegs);
        }).ToArray();
        return new ShardPlan(MatrixLayout.FingerprintOf(legs.Select(l => l.Id)), byDuration ? "expectedDuration" : "count", entries);
    }

    /// <summary>Splits <paramref name="legs"/> into shards with the history in <paramref name="historyFrom"/> (see <see cref="Create(IReadOnlyList{LegSpec}, ShardCountRequest, DurationHistory)"/>).</summary>
    /// <param name="legs">The matrix's legs, in matrix order.</param>
    /// <param name="count">How many shards, or <c>auto</c>.</param>
    /// <param name="historyFrom">Earlier JSON reports (a merged report of the shards is one), possibly none.</param>
    /// <exception cref="InvalidRunException">A history report cannot be read (<see cref="ErrorCodes.HistoryReportUnusable"/>), or the legs' needs are invalid.</exception>
    public static ShardPlan Create(IReadOnlyList<LegSpec> legs, ShardCountRequest count, IReadOnlyList<string> historyFrom)
    {
        var errors = new List<ValidationError>();
        var history = DurationHistory.Read(historyFrom, "HistoryFrom", errors);
        return errors.Count > 0 ? throw new InvalidRunException(errors) : Create(legs, count, history);
    }

    /// <summary>
    /// The smallest count whose longest shard is expected to take at most the target, capped at the job limit and at
    /// the number of groups of legs (legs joined by needs share a shard). Legs without history count as the mean of
    /// those with it; with no history at all, every group is assumed to need the whole target, so each gets its own
    /// shard (up to the cap).
    /// </summary>
    private static int AutoCount(IReadOnlyList<(string Id, TimeSpan? Expected)>[] groups, ShardCountRequest request, bool byDuration)
    {
        var cap = Math.Max(1, Math.Min(request.JobLimit, groups.Length));
        if (!byDuration)
        {
            return cap;
        }

        var legs = groups.SelectMany(g => g).ToArray();
        for (var count = 1; count < cap; count++)
        {
            if (ShardAssignment.LongestShard(legs, ShardAssignment.ByExpectedDuration(groups, count)) <= request.Target)
            {
                return count;
            }
        }

        return cap;
    }

    /// <summary>
    /// Writes the plan as JSON to <paramref name="path"/> (atomically), and, when <c>GITHUB_OUTPUT</c> is set in
    /// <paramref name="environment"/>, appends <c>shards=[…]</c> (see <see cref="GitHubOutputName"/>) and <c>shard-count=n</c> to that file.
    /// </summary>
    /// <param name="path">The plan file.</param>
    /// <param name="environment">The environment to read <c>GITHUB_OUTPUT</c> from; <see langword="null"/>: the process's.</param>
    /// <exception cref="IOException">A file cannot be written.</exception>
    public void Write(string path, IReadOnlyDictionary<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        AtomicFile.WriteAllText(path, ToJson());
        var output = environment is null ? Environment.GetEnvironmentVariable("GITHUB_OUTPUT") : environment.GetValueOrDefault("GITHUB_OUTPUT");
        if (!string.IsNullOrEmpty(output))
        {
            // GitHub collects every step's outputs from this file; appending keeps the others.
            File.AppendAllText(output, $"{GitHubOutputName}={GitHubMatrix()}\nshard-count={Shards.Count.ToString(CultureInfo.InvariantCulture)}\n");
        }
    }

    /// <summary>The shards as one line of JSON for a GitHub Actions matrix: <c>[{"shard":"1/2","legs":["a","b"]},…]</c>.</summary>
    public string GitHubMatrix() =>
        new JsonArray([.. Shards.Select(s => (JsonNode)new JsonObject
        {
            ["shard"] = s.Shard.ToString(),
            ["legs"] = new JsonArray([.. s.Legs.Select(l => (JsonNode?)JsonValue.Create(l.Name))]),
        })]).ToJsonString();

    /// <summary>The plan file's text.</summary>
    public string ToJson()
    {
        var root = new JsonObject
        {
            ["schemaVersion"] = SchemaVersion,
            ["fingerprint"] = Fingerprint,
            ["shardCount"] = Shards.Count,
            ["balancedBy"] = BalancedBy,
            ["shards"] = new JsonArray([.. Shards.Select(s => (JsonNode)new JsonObject
            {
                ["shard"] = s.Shard.ToString(),
                ["expectedSeconds"] = Seconds(s.ExpectedDuration),
                ["legs"] = new JsonArray([.. s.Legs.Select(l => (JsonNode)new JsonObject
                {
                    ["id"] = l.Id,
                    ["name"] = l.Name,
                    ["expectedSeconds"] = Seconds(l.ExpectedDuration),
                })]),
            })]),
        };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    /// <summary>Reads a plan file.</summary>
    /// <param name="path">The plan file.</param>
    /// <exception cref="InvalidDataException">The file is not a shard plan; the message says why.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ShardPlan Read(string path)
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new InvalidDataException("it is not a JSON object.");
            if (root["schemaVersion"]?.GetValue<int>() is not SchemaVersion)
            {
                throw new InvalidDataException($"it is not a shard plan of schemaVersion {SchemaVersion}.");
            }

            var shards = (root["shards"] as JsonArray ?? throw new InvalidDataException("it has no 'shards' array.")).Select(entry =>
            {
                if (!Shard.TryParse(entry?["shard"]?.GetValue<string>(), out var shard))
                {
                    throw new InvalidDataException("a shard entry has no valid 'shard' (i/n).");
                }

                var legs = (entry!["legs"] as JsonArray ?? []).Select(l => new ShardPlanLeg(
                    l?["id"]?.GetValue<string>() ?? throw new InvalidDataException($"a leg of shard {shard} has no 'id'."),
                    l["name"]?.GetValue<string>() ?? "",
                    Time(l["expectedSeconds"]))).ToArray();
                return new ShardPlanEntry(shard!, Time(entry["expectedSeconds"]), legs);
            }).ToArray();
            return new ShardPlan(root["fingerprint"]?.GetValue<string>() ?? "", root["balancedBy"]?.GetValue<string>() ?? "count", shards);
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"'{path}' is not a shard plan: {exception.Message}", exception);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"'{path}' is not a shard plan: {exception.Message}", exception);
        }
    }

    private static double? Seconds(TimeSpan? duration) => duration is { } d ? Math.Round(d.TotalSeconds, 3) : null;

    private static TimeSpan? Time(JsonNode? seconds) => seconds is null ? null : TimeSpan.FromSeconds(seconds.GetValue<double>());
}

/// <summary>One shard of a <see cref="ShardPlan"/>.</summary>
/// <param name="Shard">The shard.</param>
/// <param name="ExpectedDuration">The sum of its legs' expected durations (legs without history count 0); <see langword="null"/> when none has history.</param>
/// <param name="Legs">Its legs, in matrix order.</param>
public sealed record ShardPlanEntry(Shard Shard, TimeSpan? ExpectedDuration, IReadOnlyList<ShardPlanLeg> Legs);

/// <summary>One leg of a <see cref="ShardPlanEntry"/>.</summary>
/// <param name="Id">The leg's stable id.</param>
/// <param name="Name">The leg's name.</param>
/// <param name="ExpectedDuration">Its expected duration, or <see langword="null"/> without history.</param>
public sealed record ShardPlanLeg(string Id, string Name, TimeSpan? ExpectedDuration);

/// <summary>How many shards a <see cref="ShardPlan"/> has: a number, or <c>auto</c>.</summary>
/// <param name="Count">The number of shards; <see langword="null"/> for <c>auto</c>: the smallest count whose longest shard is expected to take at most <see cref="Target"/>.</param>
public sealed record ShardCountRequest(int? Count)
{
    /// <summary>For <c>auto</c>: the longest a shard should be expected to take (default 10 minutes).</summary>
    public TimeSpan Target { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>For <c>auto</c>: the most jobs the CI system runs for one matrix (default <see cref="ShardPlan.GitHubJobLimit"/>).</summary>
    public int JobLimit { get; init; } = ShardPlan.GitHubJobLimit;

    /// <summary>Reads <c>auto</c> or a whole number of at least 1.</summary>
    /// <param name="text">The text.</param>
    /// <param name="request">The request, when valid.</param>
    public static bool TryParse(string? text, out ShardCountRequest? request)
    {
        request = null;
        var trimmed = text?.Trim();
        if (string.Equals(trimmed, "auto", StringComparison.OrdinalIgnoreCase))
        {
            request = new ShardCountRequest((int?)null);
            return true;
        }

        if (int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count >= 1)
        {
            request = new ShardCountRequest(count);
            return true;
        }

        return false;
    }
}
