using System.Reflection;
using System.Text;
using System.Text.Json;
using CakeParallel.Model;

namespace CakeParallel.Reports;

/// <summary>
/// The JSON report of a run (schema version <see cref="SchemaVersion"/>, documented in <c>docs/report-schema.md</c>):
/// everything in a <see cref="RunResult"/>, in a form other tools and a later <see cref="ReportOptions.ResumeFrom"/> read.
/// </summary>
public static class JsonRunReport
{
    /// <summary>
    /// The schema version this library writes. It reads every version from 1 up to this one: fields added since a
    /// report was written take their documented defaults (see <c>docs/report-schema.md</c>, "Versioning").
    /// </summary>
    public const int SchemaVersion = 1;

    /// <summary>Renders <paramref name="result"/> as the JSON report.</summary>
    /// <param name="result">The run's result.</param>
    public static string Render(RunResult result)
    {
        using var text = new MemoryStream();
        Write(result, text);
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <summary>
    /// Writes <paramref name="result"/> as the JSON report (UTF-8, the same text as <see cref="Render"/>) to
    /// <paramref name="output"/> as it is written, a few legs at a time. Written by <see cref="JsonReportWriter"/>,
    /// byte for byte what <see cref="JsonReportContext"/> (which reads reports) would write, without its metadata.
    /// </summary>
    internal static void Write(RunResult result, Stream output)
    {
        using (var writer = new Utf8JsonWriter(output, JsonReportWriter.ReportOptions))
        {
            JsonReportWriter.WriteDocument(writer, JsonReportDocument.From(result, SchemaVersion, ToolVersion()));
        }

        output.Write("\n"u8);
    }

    /// <summary>Reads a JSON report (of this or any earlier schema version) back into a <see cref="RunResult"/>.</summary>
    /// <param name="json">The report's text.</param>
    /// <exception cref="InvalidDataException">The text is not a CakeParallel report of a supported schema version; the message says why.</exception>
    public static RunResult Parse(string json)
    {
        int version;
        try
        {
            using var probe = JsonDocument.Parse(json);
            if (probe.RootElement.ValueKind != JsonValueKind.Object
                || !probe.RootElement.TryGetProperty("schemaVersion", out var versionElement)
                || !versionElement.TryGetInt32(out version))
            {
                throw new InvalidDataException("it is not a CakeParallel report: it has no integer 'schemaVersion'.");
            }
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"it is not valid JSON: {exception.Message}", exception);
        }

        if (version is < 1 or > SchemaVersion)
        {
            throw new InvalidDataException($"its schemaVersion is {version}; this version of CakeParallel reads schemaVersion 1 to {SchemaVersion}.");
        }

        try
        {
            var document = JsonSerializer.Deserialize(json, JsonReportContext.Default.JsonReportDocument)
                ?? throw new InvalidDataException("it is empty (null).");
            return document.ToModel();
        }
        catch (JsonException exception)
        {
            throw new InvalidDataException($"it does not match schemaVersion {version}: {exception.Message}", exception);
        }
    }

    /// <summary>Reads the JSON report in <paramref name="path"/>.</summary>
    /// <param name="path">The report file.</param>
    /// <exception cref="InvalidDataException">The file is not a CakeParallel report of a supported schema version.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static RunResult Read(string path)
    {
        var text = File.ReadAllText(path);
        try
        {
            return Parse(text);
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"'{path}' cannot be read as a report: {exception.Message}", exception);
        }
    }

    /// <summary>The version the report names as its writer's (<c>tool.version</c>).</summary>
    internal static string ToolVersion() =>
        typeof(JsonRunReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(JsonRunReport).Assembly.GetName().Version?.ToString(3)
        ?? "0.0.0";
}
