using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer;

/// <summary>How the customer cuts, sends and keeps files; the node fills it from config (<c>EngineOptions.Customer</c>).</summary>
public sealed record CustomerOptions
{
    /// <summary><c>services/backups/block-size</c>.</summary>
    public int BlockSize { get; init; } = PipelineLimits.DefaultBlockSize;

    /// <summary><c>services/backups/max-copies</c>: versions of a file kept; older ones are deleted from the suppliers.</summary>
    public int MaxCopies { get; init; } = 2;

    /// <summary>
    /// <c>services/backups/durable-margin</c>: parity fragments stored beyond k before a block counts as durable (negative: half
    /// the parity, rounded up; see <see cref="Coding.ErasureScheme.DurableCount"/>).
    /// </summary>
    public int DurableMargin { get; init; } = -1;

    /// <summary>Encoded blocks an upload holds at once (each about block size × n/k): what bounds its memory.</summary>
    public int BlocksInFlight { get; init; } = 4;

    /// <summary>Blocks a download decodes at once (VersionReader parallelism).</summary>
    public int DownloadParallelism { get; init; } = 2;

    /// <summary>How long one fragment put, get or delete may take before its supplier counts as failed for it.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A change to the catalog is backed up into the network at most this often.</summary>
    public TimeSpan BackupDelay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Changes that ask for no backup of their own (fragment records, pins) ride along with the next one; when none comes, they
    /// are backed up after this long.
    /// </summary>
    public TimeSpan QuietBackupDelay { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After a failed catalog backup, the next try waits this long.</summary>
    public TimeSpan BackupRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Finished upload jobs the catalog remembers (the transfer list shows them after a restart).</summary>
    public int KeptJobs { get; init; } = 100;

    /// <summary>Null disables compression.</summary>
    public BlockCompressor? Compressor { get; init; } = new();
}
