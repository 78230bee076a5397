using System.Runtime.InteropServices;

namespace BitDust.Engine.Common;

/// <summary>
/// Replaces a file so that a crash or power cut leaves either the old or the new content, never a mix: write a temporary
/// file beside it, fsync it, rename it over the target, fsync the folder so the rename itself is durable.
/// </summary>
public static partial class AtomicFile
{
    /// <summary>Every temporary file ends so; one left behind is a write that never reached its rename, safe to delete.</summary>
    public const string TempSuffix = ".tmp";

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode? mode = null, CancellationToken cancellationToken = default)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(folder);
        var temporary = LocalName.Beside(full, ".", $".{Environment.ProcessId}.{Guid.NewGuid():N}{TempSuffix}");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Options = FileOptions.Asynchronous };
            if (mode is { } unixMode && !OperatingSystem.IsWindows())
                options.UnixCreateMode = unixMode;
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, path, overwrite: true);
            SyncFolder(folder);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    /// <summary>Deletes <paramref name="path"/> and makes the deletion durable.</summary>
    public static void Delete(string path)
    {
        File.Delete(path);
        SyncFolder(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>Makes a rename or creation in <paramref name="folder"/> durable.</summary>
    public static void SyncFolder(string folder) => WithFolder(folder, "fsync", Fsync);

    private static void WithFolder(string folder, string call, Func<int, int> sync)
    {
        if (OperatingSystem.IsWindows())
            return;
        // .NET cannot open a folder as a file handle; libc can.
        var fd = Open(folder, ReadOnlyDirectory);
        if (fd < 0)
            throw new IOException($"Cannot open folder {folder} to make its changes durable (errno {Marshal.GetLastPInvokeError()}).");
        try
        {
            if (sync(fd) != 0)
                throw new IOException($"{call} of folder {folder} failed (errno {Marshal.GetLastPInvokeError()}).");
        }
        finally
        {
            Close(fd);
        }
    }

    /// <summary>O_RDONLY | O_DIRECTORY: the flag's value differs between Linux architectures (asm-generic vs x86).</summary>
    private static int ReadOnlyDirectory => RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64
        ? 0x4000
        : 0x10000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
