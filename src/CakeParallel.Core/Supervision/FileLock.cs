using System.Runtime.InteropServices;
using System.Text;

namespace CakeParallel.Supervision;

/// <summary>
/// A file opened for flock(2), with close-on-exec so no leg inherits it (a leg sees only fds 0–2). The kernel
/// drops the lock when its holder dies, however it dies. Opened with open(2) directly: .NET's own file handles
/// take a shared flock of their own on open, which would collide with these locks.
/// </summary>
internal sealed partial class FileLock : IDisposable
{
    private const int ReadWrite = 0x2;
    private const int Create = 0x40;
    private const int CloseOnExec = 0x80000;
    private const int LockShared = 1;
    private const int LockExclusive = 2;
    private const int NoBlock = 4;
    private const int Unlock = 8;
    private const int WouldBlock = 11;
    private const int Interrupted = 4;
    private const int NotFound = 2;

    private readonly int _descriptor;

    private FileLock(int descriptor, string path)
    {
        _descriptor = descriptor;
        Path = path;
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>Opens (and creates, readable and writable by everyone) <paramref name="path"/> without locking it.</summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    public static FileLock Open(string path) =>
        TryOpen(path, create: true) ?? throw new IOException($"'{path}' does not exist.");

    /// <summary>Opens an existing <paramref name="path"/>, or <see langword="null"/> when it does not exist (any more).</summary>
    /// <exception cref="IOException">The file exists but cannot be opened.</exception>
    public static FileLock? TryOpenExisting(string path) => TryOpen(path, create: false);

    /// <summary>Lets every user read and write <paramref name="path"/> (a folder also gets the sticky bit, like /tmp).</summary>
    /// <returns>Whether the mode was set (not when another user owns the path).</returns>
    public static bool AllowEveryone(string path, bool isFolder) => ChangeMode(path, isFolder ? 0x3FF : 0x1B6) == 0;

    /// <summary>Takes the lock without waiting; <see langword="false"/> when another open file holds a conflicting one.</summary>
    /// <param name="exclusive">Exclusive, or shared.</param>
    public bool TryLock(bool exclusive)
    {
        while (true)
        {
            if (Flock(_descriptor, (exclusive ? LockExclusive : LockShared) | NoBlock) == 0)
            {
                return true;
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == WouldBlock)
            {
                return false;
            }

            if (error != Interrupted)
            {
                throw new IOException($"flock on '{Path}' failed (errno {error}).");
            }
        }
    }

    /// <summary>Takes the exclusive lock, waiting for it (only for locks held for microseconds).</summary>
    public void LockExclusiveWaiting()
    {
        while (Flock(_descriptor, LockExclusive) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error != Interrupted)
            {
                throw new IOException($"flock on '{Path}' failed (errno {error}).");
            }
        }
    }

    /// <summary>Releases the lock.</summary>
    public void Release() => _ = Flock(_descriptor, Unlock);

    /// <summary>The file's content (at most 4 KiB), as UTF-8.</summary>
    public string Read()
    {
        Span<byte> buffer = stackalloc byte[4096];
        var read = PRead(_descriptor, ref MemoryMarshal.GetReference(buffer), buffer.Length, 0);
        return read <= 0 ? "" : Encoding.UTF8.GetString(buffer[..(int)read]);
    }

    /// <summary>Replaces the file's content with <paramref name="content"/>.</summary>
    public void Write(ReadOnlySpan<byte> content)
    {
        _ = FTruncate(_descriptor, 0);
        _ = PWrite(_descriptor, ref MemoryMarshal.GetReference(content), content.Length, 0);
    }

    /// <summary>Empties the file.</summary>
    public void Clear() => _ = FTruncate(_descriptor, 0);

    /// <summary>Closes the file, which releases its lock.</summary>
    public void Dispose() => _ = Close(_descriptor);

    private static FileLock? TryOpen(string path, bool create)
    {
        while (true)
        {
            var descriptor = OpenFile(path, ReadWrite | CloseOnExec | (create ? Create : 0), 0x1B6);
            if (descriptor >= 0)
            {
                if (create)
                {
                    // The umask may have narrowed the mode; other users' runs must be able to lock the file too.
                    _ = FChmod(descriptor, 0x1B6);
                }

                return new FileLock(descriptor, path);
            }

            var error = Marshal.GetLastPInvokeError();
            if (error == NotFound && !create)
            {
                return null;
            }

            if (error != Interrupted)
            {
                throw new IOException($"Cannot open '{path}' (errno {error}).");
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int descriptor, int operation);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static partial nint PRead(int descriptor, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static partial nint PWrite(int descriptor, ref byte buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int descriptor, long length);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    private static partial int FChmod(int descriptor, int mode);

    [LibraryImport("libc", EntryPoint = "chmod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int ChangeMode(string path, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
