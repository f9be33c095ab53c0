using System.Security.Cryptography;
using System.Text;

namespace CakeParallel.Docker;

/// <summary>
/// A SHA-256 over a build context as docker sends it: every directory, file and symbolic link the ignore file
/// leaves in (the Dockerfile and the ignore file itself always), each by its relative path, type and permission
/// bits, a file by its content, a link by its target. Times and owners are left out, as docker's build cache
/// leaves them out. Contents are hashed streaming, several files at once.
/// </summary>
internal static class BuildContextDigest
{
    /// <summary>The digest of <paramref name="context"/>, hex, and how many entries it covers.</summary>
    /// <param name="context">The context directory.</param>
    /// <param name="ignore">The context's ignore patterns.</param>
    /// <param name="alwaysSent">Relative paths docker sends whatever the ignore file says (the Dockerfile, the ignore file).</param>
    public static (string Digest, int Entries) Compute(string context, DockerIgnore ignore, IReadOnlySet<string> alwaysSent)
    {
        var entries = new List<(string Path, FileSystemInfo Info)>();
        Walk(new DirectoryInfo(context), "", ignore, alwaysSent, entries);
        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));

        var contents = new byte[entries.Count][];
        Parallel.For(0, entries.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) }, i =>
        {
            contents[i] = entries[i].Info is FileInfo { LinkTarget: null } file ? HashFile(file.FullName) : [];
        });

        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < entries.Count; i++)
        {
            var (path, info) = entries[i];
            var kind = info.LinkTarget is { } target ? "link:" + target : info is DirectoryInfo ? "dir" : "file";
            var mode = OperatingSystem.IsWindows() ? 0 : (int)info.UnixFileMode;
            digest.AppendData(Encoding.UTF8.GetBytes($"{path}\0{kind}\0{mode}\0"));
            digest.AppendData(contents[i]);
        }

        return (Convert.ToHexStringLower(digest.GetHashAndReset()), entries.Count);
    }

    private static void Walk(DirectoryInfo directory, string prefix, DockerIgnore ignore, IReadOnlySet<string> alwaysSent, List<(string, FileSystemInfo)> entries)
    {
        foreach (var info in directory.EnumerateFileSystemInfos())
        {
            var path = prefix + info.Name;
            var excluded = ignore.Excludes(path) && !alwaysSent.Contains(path);
            if (!excluded)
            {
                entries.Add((path, info));
            }

            // An excluded directory is skipped unless a "!" pattern may bring back something beneath it.
            if (info is DirectoryInfo { LinkTarget: null } child && (!excluded || ignore.HasExclusions))
            {
                Walk(child, path + "/", ignore, alwaysSent, entries);
            }
        }
    }

    private static byte[] HashFile(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024, FileOptions.SequentialScan);
        return SHA256.HashData(stream);
    }
}
