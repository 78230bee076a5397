namespace BitDust.Fs.Tests.Cache;

/// <summary>The descriptors this process has open, as the kernel lists them in /proc/self/fd.</summary>
internal static class Descriptors
{
    /// <summary>Descriptors open on files under <paramref name="folder"/>, deleted ones included.</summary>
    public static int OpenUnder(string folder)
    {
        var count = 0;
        foreach (var descriptor in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            try
            {
                if (new FileInfo(descriptor).LinkTarget is { } target && target.StartsWith(folder + "/", StringComparison.Ordinal))
                    count++;
            }
            catch (IOException)
            {
                // Closed between the listing and the look.
            }
        }
        return count;
    }
}
