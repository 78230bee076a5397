using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// One file of an upload job on its way: the version it becomes, the entries of its blocks, the fragments the
/// catalog already has stored, and two milestones: <see cref="Durable"/> (k fragments of every block, manifest signed and
/// kept) and <see cref="Finished"/> (every fragment tried).
/// </summary>
internal sealed class FileUpload
{
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _sends = [];
    private int _durableBlocks;
    private int _incompleteBlocks;

    public FileUpload(UploadJobFile job, FileVersion file, byte[] wrappedKey, DateTimeOffset created, BlockEntry?[] entries,
        IReadOnlyDictionary<long, HashSet<int>> stored, bool hasManifest)
    {
        Job = job;
        File = file;
        WrappedKey = wrappedKey;
        Created = created;
        Entries = entries;
        Stored = stored;
        HasManifest = hasManifest;
        Finished = WaitForSendsAsync();
    }

    public UploadJobFile Job { get; }

    public FileVersion File { get; }

    public byte[] WrappedKey { get; }

    public DateTimeOffset Created { get; }

    /// <summary>Filled as blocks are encoded (or from the catalog on resume); complete once every block is durable.</summary>
    public BlockEntry?[] Entries { get; }

    /// <summary>Positions already stored, by block (from the catalog, on resume).</summary>
    public IReadOnlyDictionary<long, HashSet<int>> Stored { get; }

    /// <summary>The version was durable before this run: its manifest is kept and must not change.</summary>
    public bool HasManifest { get; }

    public int BlockCount => Entries.Length;

    public Task Durable => _durable.Task;

    /// <summary>Completes when every block is queued (<see cref="AllQueued"/>, or <see cref="Cancel"/>) and every send has ended.</summary>
    public Task Finished { get; }

    /// <summary>True when some block ended with fewer than n fragments stored.</summary>
    public bool HasMissingFragments => Volatile.Read(ref _incompleteBlocks) > 0;

    /// <summary>Counts one more block with k fragments stored; true when it was the last one.</summary>
    public bool BlockDurable() => Interlocked.Increment(ref _durableBlocks) == BlockCount;

    public void BlockIncomplete() => Interlocked.Increment(ref _incompleteBlocks);

    /// <summary>Adds the send of one block; called by the one thread that queues the blocks, before <see cref="AllQueued"/>.</summary>
    public void Track(Task send) => _sends.Add(send);

    public void AllQueued() => _queued.TrySetResult();

    public void SetDurable() => _durable.TrySetResult();

    public void Fail(Exception failure) => _durable.TrySetException(failure);

    /// <summary>Stops waiting: no more blocks will be queued, and durability will not come.</summary>
    public void Cancel()
    {
        _durable.TrySetCanceled();
        _queued.TrySetResult();
    }

    private async Task WaitForSendsAsync()
    {
        await _queued.Task.ConfigureAwait(false);
        await Task.WhenAll(_sends).ConfigureAwait(false);
    }
}
