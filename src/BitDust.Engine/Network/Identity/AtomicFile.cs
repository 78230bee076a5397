using System.ComponentModel;
using System.Runtime.InteropServices;

namespace BitDust.Engine.Network.Identity;

/// <summary>
/// Replaces a file so that after a crash it holds either the old or the new content, never a mix: write a temporary file,
/// fsync it, rename it over the target, fsync the directory so the rename itself is durable.
/// </summary>
internal static partial class AtomicFile
{
    public const string TempSuffix = ".tmp";

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var temp = path + TempSuffix;
        var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Deletes <paramref name="path"/> and makes the deletion durable.</summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    // Windows has no directory fsync; NTFS journals the rename itself.
    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
            return;
        var fd = Open(directory, 0);
        if (fd < 0)
            throw new IOException($"Cannot open directory {directory} to make a write durable.", new Win32Exception(Marshal.GetLastPInvokeError()));
        try
        {
            if (Fsync(fd) != 0)
                throw new IOException($"Cannot fsync directory {directory}.", new Win32Exception(Marshal.GetLastPInvokeError()));
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
