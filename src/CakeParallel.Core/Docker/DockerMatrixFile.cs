using System.Text;
using System.Text.Json;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Loads a docker build matrix from a JSON file: a <c>matrix</c> block in GitHub Actions shape (or an array of
/// legs) and a <c>build</c> block with the docker settings and run settings, or several named matrices in
/// <c>targets</c> (<see cref="DockerMatrix.Targets"/>). One file serves Cake, MSBuild and CI; the format is described
/// in docs/matrix-file.md.
/// </summary>
public static class DockerMatrixFile
{
    // A key given twice is an error, never "the last one silently wins".
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, AllowDuplicateProperties = false };

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Loads <paramref name="path"/>; relative paths in the file are resolved against the file's folder.</summary>
    /// <param name="path">The matrix file.</param>
    /// <exception cref="InvalidRunException">The file cannot be read, is not JSON, or has unknown keys, wrong types or bad values; every problem is listed with its JSON path.</exception>
    public static DockerMatrix Load(string path)
    {
        byte[] bytes;
        var fullPath = Path.GetFullPath(path);
        try
        {
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixFileUnreadable, null, fullPath, $"cannot read the matrix file: {exception.Message}")]);
        }

        var json = Decode(bytes, fullPath);

        return Parse(json, Path.GetDirectoryName(fullPath)!, fullPath);
    }

    /// <summary>Parses matrix file text; relative paths in it are resolved against <paramref name="baseDirectory"/>.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="baseDirectory">The folder relative paths are resolved against.</param>
    /// <exception cref="InvalidRunException">The text is not JSON, or has unknown keys, wrong types or bad values.</exception>
    public static DockerMatrix Parse(string json, string baseDirectory) => Parse(json, Path.GetFullPath(baseDirectory), null);

    private static DockerMatrix Parse(string json, string baseDirectory, string? fileName)
    {
        var where = fileName is null ? "" : $" in '{fileName}'";
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, Options);
        }
        catch (JsonException exception)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixFileSyntax, null, "$", $"not valid JSON{where}{Position(json, exception)}: {Reason(exception)}")]);
        }

        using (document)
        {
            var reader = new MatrixFileReader();
            var matrix = reader.Read(document.RootElement, baseDirectory);
            if (reader.Errors.Count > 0)
            {
                var errors = fileName is null ? reader.Errors : reader.Errors.Select(e => e with { Message = e.Message + where }).ToArray();
                throw new InvalidRunException(errors);
            }

            return matrix!;
        }
    }

    /// <summary>Where the syntax error is, 1-based, with the column counted in characters (the exception counts bytes of UTF-8).</summary>
    /// <summary>The file's text; invalid UTF-8 is an error naming its byte offset, never a silent U+FFFD.</summary>
    private static string Decode(byte[] bytes, string fullPath)
    {
        var start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0;
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException)
        {
            // Stops at the first invalid sequence; what it read before that is the offset.
            System.Text.Unicode.Utf8.ToUtf16(bytes.AsSpan(start), new char[bytes.Length], out var read, out _, replaceInvalidSequences: false);
            var valid = start + read;

            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixFileSyntax, null, "$", $"'{fullPath}' is not valid UTF-8: invalid byte 0x{bytes[valid]:X2} at byte offset {valid}.")]);
        }
    }

    private static string Position(string json, JsonException exception)
    {
        if (exception.LineNumber is not { } line || exception.BytePositionInLine is not { } bytes)
        {
            return "";
        }

        var lines = json.Split('\n');
        var text = line < lines.Length ? Encoding.UTF8.GetBytes(lines[line]) : [];
        var column = Encoding.UTF8.GetCharCount(text, 0, (int)Math.Min(bytes, text.Length)) + 1;
        return $" (line {line + 1}, column {column})";
    }

    /// <summary>The exception's message without the 0-based position it appends (the message already says where, 1-based).</summary>
    private static string Reason(JsonException exception)
    {
        var at = exception.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return at < 0 ? exception.Message : exception.Message[..at];
    }
}
