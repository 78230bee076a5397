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

    /// <summary>Kernel write-back caching: the kernel gathers small writes into big ones.</summary>
    public bool WritebackCache { get; init; }

    /// <summary>Where a file system method that threw is logged (it answers EIO).</summary>
    public ILogger? Logger { get; init; }
}
