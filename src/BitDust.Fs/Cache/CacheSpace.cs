namespace BitDust.Fs.Cache;

/// <summary>
/// The cache's limits, kept for real. Its size: every byte the cache holds on disk is counted, and what may go (blocks fetched
/// from the network, files already durable) goes least recently used first. Files not yet durable are counted but never
/// evicted: a writer that would push the cache over its limit waits for uploads to make them evictable. Its descriptors: the
/// cache's files are opened through <see cref="Handles"/>, never held open for a copy's whole life.
/// </summary>
public sealed class CacheSpace
{
    private readonly LinkedList<IEvictable> _order = [];
    private readonly Dictionary<IEvictable, LinkedListNode<IEvictable>> _nodes = [];
    private readonly Lock _gate = new();
    private readonly Lock _reserving = new();
    private readonly SemaphoreSlim _freed = new(0);
    private long _used;

    /// <summary>Cache files kept open between uses by default: a small share of the 1,024 descriptors a process may have.</summary>
    public const int DefaultOpenFiles = 128;

    public CacheSpace(long limit, int openFiles = DefaultOpenFiles)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        Limit = limit;
        Handles = new HandleCache(openFiles);
    }

    public long Limit { get; }

    /// <summary>Where the cache's files are opened when read or written.</summary>
    public HandleCache Handles { get; }

    /// <summary>What <paramref name="bytes"/> take on disk: whole 4 KiB pages, as the file system allocates them.</summary>
    public static long Pages(long bytes) => (bytes + 4095) / 4096 * 4096;

    public long Used => Interlocked.Read(ref _used);

    /// <summary>Items that may be evicted when they are not in use (cached copies, fetched blocks).</summary>
    public int Evictable
    {
        get
        {
            lock (_gate)
                return _order.Count;
        }
    }

    /// <summary>The cache grew (a write, a fetched block) or shrank (a file deleted, a block evicted).</summary>
    public void Add(long bytes)
    {
        if (bytes != 0 && Interlocked.Add(ref _used, bytes) < 0)
            Interlocked.Exchange(ref _used, 0);
        if (bytes < 0)
            Signal();
    }

    /// <summary>Marks <paramref name="item"/> as evictable and most recently used.</summary>
    public void Touch(IEvictable item)
    {
        lock (_gate)
        {
            if (_nodes.Remove(item, out var node))
                _order.Remove(node);
            _nodes[item] = _order.AddLast(item);
        }
    }

    /// <summary>Makes <paramref name="item"/> not evictable (again): it is being written, or it is gone.</summary>
    public void Forget(IEvictable item)
    {
        lock (_gate)
        {
            if (_nodes.Remove(item, out var node))
                _order.Remove(node);
        }
    }

    /// <summary>
    /// Counts <paramref name="bytes"/> more against the limit, evicting least recently used items until they fit; false (and
    /// nothing counted) when what is left cannot be evicted. Reservations are made one at a time, so writers and fetches
    /// running together never each see the same free room. <paramref name="keep"/> (the item being filled) is passed over.
    /// Evictions run under the reservation lock: an item's <see cref="IEvictable.Evict"/> must not wait for a lock that a
    /// reserving caller may hold (it says false instead).
    /// </summary>
    public bool TryReserve(long bytes, IEvictable? keep = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        lock (_reserving)
        {
            if (!EvictWhile(() => Used + bytes > Limit, keep))
                return false;
            Interlocked.Add(ref _used, bytes);
            return true;
        }
    }

    /// <summary>
    /// Evicts everything that may go, least recently used first: cached copies whose versions are complete, fetched blocks.
    /// What is in use right now, or not uploaded yet, stays. Returns the bytes let go.
    /// </summary>
    public long EvictAll()
    {
        lock (_reserving)
        {
            var before = Used;
            EvictWhile(static () => true, keep: null);
            return Math.Max(0, before - Used);
        }
    }

    /// <summary>
    /// Evicts least recently used items other than <paramref name="keep"/> while <paramref name="more"/> says so, trying each at
    /// most once: one that refuses (in use) goes back as most recently used. False when <paramref name="more"/> still says so
    /// and nothing is left to try. Caller holds the reservation lock.
    /// </summary>
    private bool EvictWhile(Func<bool> more, IEvictable? keep)
    {
        int tries;
        lock (_gate)
            tries = _order.Count;
        while (more())
        {
            if (tries-- <= 0 || NextVictim(keep) is not { } victim)
                return false;
            if (!victim.Evict(this))
                Touch(victim);
        }
        return true;
    }

    /// <summary>Takes the least recently used item other than <paramref name="keep"/> out of the order, or null.</summary>
    private IEvictable? NextVictim(IEvictable? keep)
    {
        lock (_gate)
        {
            for (var node = _order.First; node is not null; node = node.Next)
            {
                if (!ReferenceEquals(node.Value, keep))
                {
                    _order.Remove(node);
                    _nodes.Remove(node.Value);
                    return node.Value;
                }
            }
            return null;
        }
    }

    /// <summary>Waits until something may have been freed (an upload made a file evictable, a file was deleted).</summary>
    public Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _freed.WaitAsync(timeout, cancellationToken);

    /// <summary>Wakes writers waiting for room.</summary>
    public void Signal()
    {
        if (_freed.CurrentCount == 0)
            _freed.Release();
    }
}

/// <summary>
/// Something the cache may drop to make room. <see cref="Evict"/> gives its bytes back with CacheSpace.Add and returns true,
/// or false when it is in use right now (a read is copying from it) and must stay.
/// </summary>
public interface IEvictable
{
    bool Evict(CacheSpace space);
}
