using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;

namespace BitDust.Fs.Cache;

/// <summary>
/// A drive file's bytes in a local cache file: written at local-disk speed, sealed when the file is closed, uploaded from
/// here, and kept afterwards as a cached copy of the durable version until the cache needs the room. Only a dirty copy is
/// ever written; a write to a sealed or durable copy goes to a fresh copy, so an upload never sees its file change. The copy
/// holds no descriptor: its file is opened through the cache's <see cref="HandleCache"/> for each read or write, so thousands
/// of copies waiting for upload or kept as cache need no more descriptors than one.
/// </summary>
public sealed class LocalContent : FileContent, IEvictable
{
    private readonly CacheSpace _space;
    private readonly Lock _gate = new();
    private bool _discarded;
    private long _length;
    private long _allocated;
    private long _credit;
    private TaskCompletionSource<string?> _durable = NewDurable();
    private int _jobs;
    private bool _discardAfterJob;

    private LocalContent(string path, long length, LocalState state, CacheSpace space)
    {
        Path = path;
        _length = length;
        _allocated = CacheSpace.Pages(length);
        State = state;
        _space = space;
        space.Add(_allocated);
    }

    public string Path { get; }

    public override long Length => Interlocked.Read(ref _length);

    public LocalState State { get; private set; }

    /// <summary>The durable version this copy holds (set once <see cref="State"/> is Durable).</summary>
    public CatalogVersion? Version { get; private set; }

    /// <summary>
    /// Called when the cache evicts this durable copy: the owner switches the file to its network version, or says false
    /// when the file is busy right now (the copy then stays).
    /// </summary>
    public Func<LocalContent, bool>? Evicting { get; set; }

    /// <summary>Completes with null once this copy is durable in the network, or with the reason its upload failed.</summary>
    public Task<string?> WhenDurable
    {
        get
        {
            lock (_gate)
                return _durable.Task;
        }
    }

    /// <summary>
    /// Held by a writer while it reserves room for growing this copy: the kernel sends several writes of one file at once, and
    /// each must count only the pages no other has counted yet (see <see cref="Counted"/>).
    /// </summary>
    public Lock GrowthGate { get; } = new();

    /// <summary>The bytes of room the cache counts for this copy: its pages on disk and the credit reserved for growth.</summary>
    public long Counted
    {
        get
        {
            lock (_gate)
                return _allocated + _credit;
        }
    }

    /// <summary>
    /// Room the cache already counted for this copy (<see cref="CacheSpace.TryReserve"/>): growth is taken from it first, and
    /// what is left goes back when the copy is sealed or discarded.
    /// </summary>
    public void Credit(long bytes)
    {
        lock (_gate)
            _credit += bytes;
    }

    /// <summary>
    /// A new, empty, dirty copy in <paramref name="folder"/>, with <paramref name="credit"/> bytes of room already counted.
    /// </summary>
    public static LocalContent Create(string folder, CacheSpace space, long credit = 0)
    {
        var path = System.IO.Path.Combine(folder, Guid.NewGuid().ToString("N"));
        // The new file's handle stays in the cache for the writes that follow.
        space.Handles.Rent(path, FileMode.CreateNew).Dispose();
        return new LocalContent(path, 0, LocalState.Dirty, space) { _credit = credit };
    }

    /// <summary>A dirty copy of the first <paramref name="length"/> bytes of <paramref name="source"/>.</summary>
    public static LocalContent CopyOf(LocalContent source, long length, string folder, CacheSpace space, long credit = 0)
    {
        var copy = Create(folder, space, credit);
        var buffer = new byte[1 << 20];
        for (var offset = 0L; offset < length;)
        {
            var read = source.Read(buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - offset)), offset);
            if (read == 0)
                break;
            copy.Write(buffer.AsSpan(0, read), offset);
            offset += read;
        }
        copy.SetLength(length);
        return copy;
    }

    /// <summary>A copy a previous run sealed and queued (found again through the catalog's upload jobs).</summary>
    public static LocalContent? Reopen(string path, LocalState state, CacheSpace space)
    {
        var file = new FileInfo(path);
        return file.Exists ? new LocalContent(path, file.Length, state, space) : null;
    }

    public int Read(Span<byte> buffer, long offset)
    {
        var length = Length;
        if (offset >= length)
            return 0;
        var wanted = (int)Math.Min(buffer.Length, length - offset);
        var done = 0;
        using (var file = Open())
        {
            while (done < wanted)
            {
                var read = RandomAccess.Read(file.Handle, buffer[done..wanted], offset + done);
                if (read == 0)
                    break;
                done += read;
            }
        }
        // A file extended by truncate has a hole the local file may not cover yet: it reads as zeros.
        buffer[done..wanted].Clear();
        return wanted;
    }

    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        if (State != LocalState.Dirty)
            throw new InvalidOperationException($"{Path} is {State}; only a dirty copy is written");
        using (var file = Open())
            RandomAccess.Write(file.Handle, data, offset);
        lock (_gate)
        {
            var end = offset + data.Length;
            if (end > _length)
                _length = end;
            GrowAllocation();
        }
    }

    public void SetLength(long length)
    {
        if (State != LocalState.Dirty)
            throw new InvalidOperationException($"{Path} is {State}; only a dirty copy is resized");
        using (var file = Open())
            RandomAccess.SetLength(file.Handle, length);
        lock (_gate)
        {
            _length = length;
            var pages = CacheSpace.Pages(length);
            if (pages < _allocated)
            {
                _space.Add(pages - _allocated);
                _allocated = pages;
            }
            else
            {
                GrowAllocation();
            }
        }
    }

    /// <summary>Closed: from now on its bytes do not change, and it may be uploaded.</summary>
    public void Seal()
    {
        lock (_gate)
        {
            if (State == LocalState.Dirty)
                State = LocalState.Sealed;
            ReturnCredit();
        }
    }

    /// <summary>The upload reached durability: this copy is now only a cache of <paramref name="version"/>.</summary>
    public void MarkDurable(CatalogVersion version)
    {
        TaskCompletionSource<string?> durable;
        lock (_gate)
        {
            State = LocalState.Durable;
            Version = version;
            durable = _durable;
        }
        if (!IsDiscarded)
            _space.Touch(this);
        _space.Signal();
        durable.TrySetResult(null);
    }

    /// <summary>The upload failed; whoever waits (fsync) hears why, and the next attempt gets a fresh wait.</summary>
    public void MarkFailed(string reason)
    {
        TaskCompletionSource<string?> failed;
        lock (_gate)
        {
            failed = _durable;
            _durable = NewDurable();
        }
        failed.TrySetResult(reason);
    }

    /// <summary>Marks the copy as recently read, so the cache keeps it longer.</summary>
    public void Touch()
    {
        if (State == LocalState.Durable)
            _space.Touch(this);
    }

    public bool Evict(CacheSpace space)
    {
        if (Evicting is { } evicting && !evicting(this))
            return false;
        Discard();
        return true;
    }

    /// <summary>
    /// An upload job reads this copy from now until <see cref="LeaveJob"/>: deleting it meanwhile would fail the whole job,
    /// so a <see cref="Discard"/> waits for the job's end.
    /// </summary>
    public void EnterJob()
    {
        lock (_gate)
            _jobs++;
    }

    public void LeaveJob()
    {
        bool discard;
        lock (_gate)
        {
            _jobs = Math.Max(0, _jobs - 1);
            discard = _discardAfterJob && _jobs == 0;
        }
        if (discard)
            Discard();
    }

    /// <summary>True once discarded (or waiting for its job's end to be).</summary>
    public bool IsDiscarded
    {
        get
        {
            lock (_gate)
                return _discarded || _discardAfterJob;
        }
    }

    public override void Discard()
    {
        long allocated;
        lock (_gate)
        {
            if (_jobs > 0)
            {
                _discardAfterJob = true;
                return;
            }
            ReturnCredit();
            if (_discarded)
                return;
            _discarded = true;
            allocated = _allocated;
            _allocated = 0;
        }
        _space.Forget(this);
        _space.Handles.Forget(Path);
        File.Delete(Path);
        _space.Add(-allocated);
        _durable.TrySetResult("the file was replaced or deleted before its upload");
    }

    /// <summary>
    /// This copy's file, leased from the cache's handles. Leased under the gate: a <see cref="Discard"/> marks the copy under it
    /// before it forgets the file, so no handle of a file being deleted is ever put back in the cache.
    /// </summary>
    private HandleCache.Lease Open()
    {
        lock (_gate)
        {
            if (_discarded)
                throw new ObjectDisposedException(Path);
            return _space.Handles.Rent(Path);
        }
    }

    /// <summary>Counts the pages the copy grew by, from its credit first. Caller holds the gate.</summary>
    private void GrowAllocation()
    {
        var pages = CacheSpace.Pages(_length);
        if (pages <= _allocated)
            return;
        var growth = pages - _allocated;
        var credited = Math.Min(growth, _credit);
        _credit -= credited;
        _space.Add(growth - credited);
        _allocated = pages;
    }

    /// <summary>Gives back room reserved for growth that did not come. Caller holds the gate.</summary>
    private void ReturnCredit()
    {
        if (_credit == 0)
            return;
        _space.Add(-_credit);
        _credit = 0;
    }

    private static TaskCompletionSource<string?> NewDurable() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
