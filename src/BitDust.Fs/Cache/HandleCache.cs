using Microsoft.Win32.SafeHandles;

namespace BitDust.Fs.Cache;

/// <summary>
/// The cache files held open, at most <see cref="Capacity"/> between uses: a file is opened when it is read or written and
/// stays open for the next use until it is the least recently used of more than <see cref="Capacity"/>. The descriptors the
/// drive needs are then the same whether it holds ten copies or a million waiting for upload (a process may have only
/// 1,024). A handle in use (leased) is closed only when its last lease ends, so a file forgotten or pushed out mid-read reads
/// on. Safe to use from many threads.
/// </summary>
public sealed class HandleCache : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _order = [];
    private int _open;
    private bool _disposed;

    public HandleCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Handles open now: those kept for the next use, and those pushed out or forgotten while still leased.</summary>
    public int OpenCount => Volatile.Read(ref _open);

    /// <summary>
    /// The handle of <paramref name="path"/> (read and write), opened with <paramref name="mode"/> unless one is kept already;
    /// the caller disposes the lease once done with it. A caller must not lease a path it is forgetting (or has forgotten):
    /// the handle would stay open on a deleted file until pushed out.
    /// </summary>
    public Lease Rent(string path, FileMode mode = FileMode.Open)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_entries.TryGetValue(path, out var kept))
                return Take(kept);
        }
        // Opened outside the lock: other files' reads and writes go on meanwhile.
        var opened = File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        Interlocked.Increment(ref _open);
        var closing = new List<SafeFileHandle>();
        try
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    closing.Add(opened);
                    throw new ObjectDisposedException(nameof(HandleCache));
                }
                if (_entries.TryGetValue(path, out var raced))
                {
                    // Another thread opened it meanwhile: one handle per file is enough.
                    closing.Add(opened);
                    return Take(raced);
                }
                var entry = new Entry(path, opened) { Leases = 1 };
                entry.Node = _order.AddLast(entry);
                _entries.Add(path, entry);
                PushOutLocked(closing);
                return new Lease(this, entry);
            }
        }
        finally
        {
            foreach (var handle in closing)
                Close(handle);
        }
    }

    /// <summary>The file of <paramref name="path"/> is going: its handle closes now, or when its last lease ends.</summary>
    public void Forget(string path)
    {
        Entry? entry;
        lock (_gate)
        {
            if (!_entries.Remove(path, out entry))
                return;
            _order.Remove(entry.Node!);
            if (!Release(entry))
                return;
        }
        Close(entry.Handle);
    }

    public void Dispose()
    {
        var closing = new List<SafeFileHandle>();
        lock (_gate)
        {
            _disposed = true;
            foreach (var entry in _entries.Values)
            {
                if (Release(entry))
                    closing.Add(entry.Handle);
            }
            _entries.Clear();
            _order.Clear();
        }
        foreach (var handle in closing)
            Close(handle);
    }

    /// <summary>A lease of the entry, now the most recently used. Caller holds the lock.</summary>
    private Lease Take(Entry entry)
    {
        entry.Leases++;
        _order.Remove(entry.Node!);
        _order.AddLast(entry.Node!);
        return new Lease(this, entry);
    }

    /// <summary>Takes the least recently used entries out until at most Capacity are kept. Caller holds the lock.</summary>
    private void PushOutLocked(List<SafeFileHandle> closing)
    {
        while (_entries.Count > Capacity && _order.First is { } oldest)
        {
            _order.RemoveFirst();
            _entries.Remove(oldest.Value.Path);
            if (Release(oldest.Value))
                closing.Add(oldest.Value.Handle);
        }
    }

    /// <summary>
    /// Marks an entry taken out of the cache; true when nothing leases it, so its handle is to be closed now (outside the
    /// lock), else its last lease closes it. Caller holds the lock.
    /// </summary>
    private static bool Release(Entry entry)
    {
        entry.Out = true;
        return entry.Leases == 0;
    }

    private void Return(Entry entry)
    {
        lock (_gate)
        {
            entry.Leases--;
            if (entry.Leases > 0 || !entry.Out)
                return;
        }
        Close(entry.Handle);
    }

    private void Close(SafeFileHandle handle)
    {
        handle.Dispose();
        Interlocked.Decrement(ref _open);
    }

    /// <summary>A handle in use: the file stays open until the lease is disposed, whatever the cache does meanwhile.</summary>
    public readonly struct Lease : IDisposable
    {
        private readonly HandleCache _cache;
        private readonly Entry _entry;

        internal Lease(HandleCache cache, Entry entry)
        {
            _cache = cache;
            _entry = entry;
        }

        public SafeFileHandle Handle => _entry.Handle;

        public void Dispose() => _cache?.Return(_entry);
    }

    internal sealed class Entry(string path, SafeFileHandle handle)
    {
        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = handle;

        public LinkedListNode<Entry>? Node { get; set; }

        public int Leases { get; set; }

        /// <summary>No longer kept: pushed out, forgotten or disposed; the last lease closes it.</summary>
        public bool Out { get; set; }
    }
}
