using System.Text;

namespace CakeParallel.Reports;

/// <summary>
/// Writes files so that a reader sees either the old content or the whole new content, never a part: the text
/// goes to a temporary file in the same folder (same file system, so the rename is atomic), is flushed to disk,
/// and then replaces the target with one rename. Reports are written through it as they are rendered, so a large
/// report never exists as one string.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static void WriteAllText(string path, string text) => WriteText(path, writer => writer.Write(text));

    /// <summary>Writes what <paramref name="write"/> writes (UTF-8, no byte order mark) to <paramref name="path"/>.</summary>
    public static void WriteText(string path, Action<TextWriter> write) =>
        WriteStream(path, stream =>
        {
            using var writer = new StreamWriter(stream, Utf8, 16 * 1024, leaveOpen: true);
            write(writer);
        });

    /// <summary>Writes what <paramref name="write"/> writes to the stream to <paramref name="path"/>.</summary>
    public static void WriteStream(string path, Action<Stream> write)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 16 * 1024))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        finally
        {
            // Only left behind when writing or renaming failed.
            File.Delete(temporary);
        }
    }
}
