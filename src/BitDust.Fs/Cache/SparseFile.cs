using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace BitDust.Fs.Cache;

/// <summary>Gives a range of a file's disk space back without changing its size (Linux: fallocate PUNCH_HOLE).</summary>
internal static partial class SparseFile
{
    private const int KeepSize = 0x01;
    private const int PunchHole = 0x02;

    /// <summary>True when the range was released; false where the platform or file system cannot do it.</summary>
    public static bool Release(SafeFileHandle file, long offset, long length)
    {
        if (!OperatingSystem.IsLinux())
            return false;
        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            return Fallocate((int)file.DangerousGetHandle(), KeepSize | PunchHole, offset, length) == 0;
        }
        finally
        {
            if (added)
                file.DangerousRelease();
        }
    }

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    private static partial int Fallocate(int fd, int mode, long offset, long length);
}
