namespace BitDust.Fs.Vfs;

/// <summary>How the drive runs: where its cache is and how big it may grow, and what it may do.</summary>
public sealed record DriveOptions
{
    /// <summary>The cache folder (the node's home data/drive/cache): local copies and fetched blocks.</summary>
    public required string CacheFolder { get; init; }

    /// <summary>Bytes the cache may hold; durable files and fetched blocks are evicted to stay under it.</summary>
    public long CacheLimit { get; init; } = 10L << 30;

    /// <summary>The customer's quota (needed-space): what df shows as the size, and where writes get ENOSPC.</summary>
    public long Quota { get; init; } = 4L << 30;

    public bool ReadOnly { get; init; }

    /// <summary>Blocks fetched ahead of a sequential reader.</summary>
    public int ReadAheadBlocks { get; init; } = 4;

    /// <summary>How long a writer waits for the cache to make room before it writes anyway (and logs that).</summary>
    public TimeSpan RoomWait { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long writers wait, all together, for durable copies to become complete (every fragment stored, by the rebuild) and
    /// evictable, before the cache goes over its limit instead.
    /// </summary>
    public TimeSpan RedundancyWait { get; init; } = TimeSpan.FromMinutes(2);
}
