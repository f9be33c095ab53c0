using System.Text.Json;
using CakeParallel.Model;

namespace CakeParallel.Docker;

/// <summary>
/// Loads a docker build matrix from a JSON file: a <c>matrix</c> block in GitHub Actions shape (or an array of
/// legs) and a <c>build</c> block with the docker settings and run settings. One file serves Cake, MSBuild and CI;
/// the format is described in docs/matrix-file.md.
/// </summary>
public static class DockerMatrixFile
{
    private static readonly JsonDocumentOptions Options = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>Loads <paramref name="path"/>; relative paths in the file are resolved against the file's folder.</summary>
    /// <param name="path">The matrix file.</param>
    /// <exception cref="InvalidRunException">The file cannot be read, is not JSON, or has unknown keys, wrong types or bad values; every problem is listed with its JSON path.</exception>
    public static DockerMatrix Load(string path)
    {
        string json;
        var fullPath = Path.GetFullPath(path);
        try
        {
            json = File.ReadAllText(fullPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixFileUnreadable, null, fullPath, $"cannot read the matrix file: {exception.Message}")]);
        }

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
            var position = exception.LineNumber is { } line ? $" (line {line + 1}, column {exception.BytePositionInLine + 1})" : "";
            throw new InvalidRunException([new ValidationError(ErrorCodes.MatrixFileSyntax, null, "$", $"not valid JSON{where}{position}: {exception.Message}")]);
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
}
