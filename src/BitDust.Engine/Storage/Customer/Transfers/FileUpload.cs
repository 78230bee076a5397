using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Records;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// One file of an upload job on its way: the version it becomes, the entries of its blocks, the fragments the catalog already
/// has stored, and its milestones: readable (k fragments of every block: the manifest is signed and kept), <see cref="Durable"/>
/// (k plus the durable margin of every block) and <see cref="Finished"/> (every fragment tried). Blocks reach the first two
/// on different threads in any order; <see cref="BlockReached"/> counts them and says which milestone the file reached.
/// </summary>
internal sealed class FileUpload
{
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Task> _sends = [];
    private readonly Lock _gate = new();
    private int _readableBlocks;
    private int _durableBlocks;
    private int _incompleteBlocks;
    private bool _manifestKept;
    private bool _durableReached;

    public FileUpload(UploadJobFile job, FileVersion file, byte[] wrappedKey, DateTimeOffset created, BlockEntry?[] entries,
        IReadOnlyDictionary<long, HashSet<int>> stored)
    {
        Job = job;
        File = file;
        WrappedKey = wrappedKey;
        Created = created;
        Entries = entries;
        Stored = stored;
        Finished = WaitForSendsAsync();
    }

    public UploadJobFile Job { get; }

    public FileVersion File { get; }

    public byte[] WrappedKey { get; }

    public DateTimeOffset Created { get; }

    /// <summary>Filled as blocks are encoded (or from the catalog on resume); complete once every block is readable.</summary>
    public BlockEntry?[] Entries { get; }

    /// <summary>Positions already stored, by block (from the catalog, on resume).</summary>
    public IReadOnlyDictionary<long, HashSet<int>> Stored { get; }

    public int BlockCount => Entries.Length;

    public Task Durable => _durable.Task;

    /// <summary>Completes when every block is queued (<see cref="AllQueued"/>, or <see cref="Cancel"/>) and every send has ended.</summary>
    public Task Finished { get; }

    /// <summary>True when some block ended with fewer than n fragments stored.</summary>
    public bool HasMissingFragments => Volatile.Read(ref _incompleteBlocks) > 0;

    /// <summary>True once every block has k fragments stored and the manifest is kept.</summary>
    public bool IsReadable
    {
        get
        {
            lock (_gate)
                return _manifestKept;
        }
    }

    /// <summary>True once every block has its durable count of fragments stored and the version was recorded durable.</summary>
    public bool IsDurable
    {
        get
        {
            lock (_gate)
                return _durableReached;
        }
    }

    /// <summary>
    /// Counts a block that reached k fragments (<paramref name="readable"/>) and/or its durable count (<paramref name="durable"/>),
    /// and, under one lock so the two never pass each other, runs <paramref name="keepManifest"/> once every block is readable
    /// (told whether every block is durable too) and <paramref name="recordDurable"/> once every block is durable after that.
    /// True when this call made the file durable.
    /// </summary>
    public bool BlockReached(bool readable, bool durable, Action<bool> keepManifest, Action recordDurable)
    {
        lock (_gate)
        {
            if (readable)
                _readableBlocks++;
            if (durable)
                _durableBlocks++;
            var allDurable = _durableBlocks == BlockCount;
            if (!_manifestKept && _readableBlocks == BlockCount)
            {
                keepManifest(allDurable);
                _manifestKept = true;
            }
            else if (!_manifestKept || _durableReached || !allDurable)
            {
                return false;
            }
            else
            {
                recordDurable();
            }
            if (!allDurable)
                return false;
            _durableReached = true;
        }
        _durable.TrySetResult();
        return true;
    }

    /// <summary>Why the last fragments that could not be stored were not, by position (for the message when not durable).</summary>
    public IReadOnlyDictionary<int, string> LastFailures { get; private set; } = new Dictionary<int, string>();

    public void NoteFailures(IReadOnlyDictionary<int, string> failures)
    {
        if (failures.Count > 0)
            LastFailures = failures;
    }

    public void BlockIncomplete() => Interlocked.Increment(ref _incompleteBlocks);

    /// <summary>Adds the send of one block; called by the one thread that queues the blocks, before <see cref="AllQueued"/>.</summary>
    public void Track(Task send) => _sends.Add(send);

    public void AllQueued() => _queued.TrySetResult();

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
