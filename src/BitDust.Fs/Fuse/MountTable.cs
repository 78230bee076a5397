using System.Diagnostics;

namespace BitDust.Fs.Fuse;

/// <summary>What the kernel has mounted where, and dead FUSE mounts left by a process that died.</summary>
public static class MountTable
{
    private const int NotConnected = 107;

    /// <summary>True when <paramref name="path"/> is a mount point (from /proc/self/mountinfo).</summary>
    public static bool IsMounted(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!File.Exists("/proc/self/mountinfo"))
            return false;
        return File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .Where(fields => fields.Length > 4)
            .Any(fields => Unescape(fields[4]) == full);
    }

    /// <summary>The device ("0:53") the kernel gave the mount at <paramref name="path"/>, or null when it is not mounted.</summary>
    public static string? DeviceOf(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        if (!File.Exists("/proc/self/mountinfo"))
            return null;
        return File.ReadLines("/proc/self/mountinfo")
            .Select(line => line.Split(' '))
            .LastOrDefault(fields => fields.Length > 4 && Unescape(fields[4]) == full)?[2];
    }

    /// <summary>True when <paramref name="path"/> is a FUSE mount whose process is gone: stat fails with ENOTCONN.</summary>
    public static bool IsStale(string path)
    {
        try
        {
            _ = new DirectoryInfo(path).Attributes;
            Directory.GetFileSystemEntries(path);
            return false;
        }
        catch (IOException e)
        {
            return (e.HResult & 0xFFFF) == NotConnected || e.Message.Contains("not connected", StringComparison.OrdinalIgnoreCase);
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Detaches a dead mount (fusermount3 -u -z); throws <see cref="FuseException"/> with fusermount3's reason.</summary>
    public static void DetachStale(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("fusermount3", ["-u", "-z", path])
        {
            RedirectStandardError = true, RedirectStandardOutput = true,
        }) ?? throw new FuseException("cannot run fusermount3: apt-get install -y fuse3");
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new FuseException($"cannot detach the dead mount {path}: {error.Trim()}");
    }

    /// <summary>mountinfo escapes space, tab, newline and backslash as octal.</summary>
    private static string Unescape(string field) =>
        field.Replace("\\040", " ", StringComparison.Ordinal).Replace("\\011", "\t", StringComparison.Ordinal)
            .Replace("\\012", "\n", StringComparison.Ordinal).Replace("\\134", "\\", StringComparison.Ordinal);
}
