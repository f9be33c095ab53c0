using System.Text.Json.Serialization;
using CakeParallel.Model;

namespace CakeParallel.Reports;

// The JSON report's shape, version 1 (docs/report-schema.md). Durations are seconds with millisecond precision,
// times are ISO 8601 with offset, enums are camelCase strings. Readers ignore unknown properties, so later
// versions may add fields without breaking older readers.

/// <summary>The document root.</summary>
internal sealed class JsonReportDocument
{
    [JsonRequired] public int SchemaVersion { get; init; }

    public JsonTool? Tool { get; init; }

    [JsonRequired] public required string RunId { get; init; }

    public string Host { get; init; } = "";

    [JsonRequired] public DateTimeOffset StartedAt { get; init; }

    public DateTimeOffset EndedAt { get; init; }

    [JsonRequired] public double DurationSeconds { get; init; }

    public bool Succeeded { get; init; }

    public bool WasCancelled { get; init; }

    public JsonSettings? Settings { get; init; }

    public Dictionary<string, int> Counts { get; init; } = [];

    [JsonRequired] public required List<JsonLeg> Legs { get; init; }

    public List<JsonServiceEvent> Services { get; init; } = [];
}

/// <summary>What wrote the report.</summary>
internal sealed record JsonTool(string Name, string Version);

/// <summary>The run's settings.</summary>
internal sealed class JsonSettings
{
    public int MaxParallel { get; init; }

    public bool FailFast { get; init; }

    public double? TimeoutSeconds { get; init; }

    public double? DeadlineSeconds { get; init; }

    public string Termination { get; init; } = "";

    public JsonRetryPolicy Retry { get; init; } = new();
}

/// <summary>The default retry policy.</summary>
internal sealed class JsonRetryPolicy
{
    public int MaxAttempts { get; init; } = 1;

    public double InitialDelaySeconds { get; init; }

    public double MaxDelaySeconds { get; init; }

    public bool UseJitter { get; init; }

    public List<int> RetryOnExitCodes { get; init; } = [];

    public List<string> RetryOnOutput { get; init; } = [];

    public bool RetryOnTimeout { get; init; }
}

/// <summary>One leg.</summary>
internal sealed class JsonLeg
{
    [JsonRequired] public required string Id { get; init; }

    [JsonRequired] public required string Name { get; init; }

    public Dictionary<string, string> Parameters { get; init; } = [];

    [JsonRequired] public LegStatus Status { get; init; }

    public double DurationSeconds { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public string? FailureReason { get; init; }

    public string? LogFile { get; init; }

    public string? ImageId { get; init; }

    public List<string> Tags { get; init; } = [];

    public List<string> Remarks { get; init; } = [];

    public List<string> OutputTail { get; init; } = [];

    public List<JsonAttempt> Attempts { get; init; } = [];
}

/// <summary>One attempt of a leg.</summary>
internal sealed class JsonAttempt
{
    public int Number { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    public double DurationSeconds { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public AttemptOutcome Outcome { get; init; }

    public string? Detail { get; init; }

    public JsonRetryDecision Retry { get; init; } = new();
}

/// <summary>Whether an attempt was retried, and why.</summary>
internal sealed class JsonRetryDecision
{
    public bool WillRetry { get; init; }

    public string Reason { get; init; } = "";

    public double? DelaySeconds { get; init; }
}

/// <summary>One event of a run's background service (start failure, death while legs ran, ready, stopped).</summary>
internal sealed class JsonServiceEvent
{
    public string Service { get; init; } = "";

    public ServiceEventKind Kind { get; init; }

    public DateTimeOffset Timestamp { get; init; }

    public string Message { get; init; } = "";

    public string? Code { get; init; }

    public int? ExitCode { get; init; }

    public string? Signal { get; init; }

    public string? LastProbeError { get; init; }

    public string? LogFile { get; init; }

    public List<string> OutputTail { get; init; } = [];
}
