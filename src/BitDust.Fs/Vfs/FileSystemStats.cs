namespace BitDust.Fs.Vfs;

/// <summary>What <c>statfs</c> (df) shows: the customer's quota as the size, and its usage.</summary>
public readonly record struct FileSystemStats(long TotalBytes, long FreeBytes, long Files, long FreeFiles, int BlockSize, int MaxNameLength);
