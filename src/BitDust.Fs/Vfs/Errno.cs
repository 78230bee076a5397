namespace BitDust.Fs.Vfs;

/// <summary>
/// The error a file system operation ends with, numbered as on Linux. An adapter for another platform (WinFsp) maps these
/// onto its own status codes.
/// </summary>
public enum Errno
{
    Ok = 0,
    EPERM = 1,
    ENOENT = 2,
    EIO = 5,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EBUSY = 16,
    EEXIST = 17,
    EXDEV = 18,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EFBIG = 27,
    ENOSPC = 28,
    EROFS = 30,
    EMLINK = 31,
    ERANGE = 34,
    ENAMETOOLONG = 36,
    ENOSYS = 38,
    ENOTEMPTY = 39,
    ELOOP = 40,
    ENODATA = 61,
    EOVERFLOW = 75,
    EILSEQ = 84,
    ENOTSUP = 95,
}
