namespace CakeParallel.Docker;

/// <summary>
/// A BuildKit build secret (<c>--secret</c>), read from a file, from an environment variable, or given as a value.
/// Its value is masked as <c>***</c> wherever it shows up in output, logs and reports.
/// </summary>
/// <remarks>Exactly one of <see cref="Source"/>, <see cref="Environment"/> and <see cref="Value"/> must be set.</remarks>
/// <param name="Id">The secret id, as used by <c>RUN --mount=type=secret,id=…</c>.</param>
public sealed record DockerSecret(string Id)
{
    /// <summary>A file holding the secret (<c>src=</c>); relative paths are resolved against the matrix's base directory; may use <c>{AXIS}</c>.</summary>
    public string? Source { get; init; }

    /// <summary>An environment variable holding the secret (<c>env=</c>).</summary>
    public string? Environment { get; init; }

    /// <summary>The secret value itself; it is handed to docker through an environment variable, never on the command line.</summary>
    public string? Value { get; init; }

    /// <summary>A secret read from a file.</summary>
    /// <param name="id">The secret id.</param>
    /// <param name="source">The file.</param>
    public static DockerSecret FromFile(string id, string source) => new(id) { Source = source };

    /// <summary>A secret read from an environment variable.</summary>
    /// <param name="id">The secret id.</param>
    /// <param name="variable">The variable's name.</param>
    public static DockerSecret FromEnvironment(string id, string variable) => new(id) { Environment = variable };

    /// <summary>A secret given as a value.</summary>
    /// <param name="id">The secret id.</param>
    /// <param name="value">The secret value.</param>
    public static DockerSecret FromValue(string id, string value) => new(id) { Value = value };

    /// <summary>Never shows the value.</summary>
    public override string ToString() => $"DockerSecret {{ Id = {Id}, Source = {Source}, Environment = {Environment}, Value = {(Value is null ? "" : "***")} }}";
}
