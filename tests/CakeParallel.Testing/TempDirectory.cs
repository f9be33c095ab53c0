namespace CakeParallel.Testing;

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "cakeparallel-test")
    {
        Path = Directory.CreateTempSubdirectory(prefix.TrimEnd('-') + "-").FullName;
    }

    public string Path { get; }

    /// <summary>A path inside the directory.</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A leg under test may still be writing its log; the temp folder is cleaned by the OS eventually.
        }
    }
}
