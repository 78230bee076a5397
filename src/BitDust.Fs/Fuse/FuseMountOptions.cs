using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Fuse;

/// <summary>How a drive is mounted through FUSE.</summary>
public sealed record FuseMountOptions
{
    public bool ReadOnly { get; init; }

    /// <summary>-o allow_other: users other than the one who mounted may use the drive (the node runs as root here).</summary>
    public bool AllowOther { get; init; } = true;

    /// <summary>What mount and df show as the device.</summary>
    public string FsName { get; init; } = "bitdust";

    /// <summary>How long the kernel may trust attributes and names it was given.</summary>
    public TimeSpan AttributeTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Idle threads the multi-threaded loop keeps.</summary>
    public int MaxIdleThreads { get; init; } = 10;

    /// <summary>
    /// What the kernel reads ahead of a sequential reader, in KiB (its default of 128 caps every read at 128 KiB, whatever
    /// max_readahead says); 0 leaves the kernel's default.
    /// </summary>
    public int ReadAheadKiB { get; init; } = 1024;

    /// <summary>Kernel write-back caching: the kernel gathers small writes into big ones.</summary>
    public bool WritebackCache { get; init; }

    /// <summary>Where a file system method that threw is logged (it answers EIO).</summary>
    public ILogger? Logger { get; init; }
}
