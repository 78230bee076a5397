using System.Buffers;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Cache;

/// <summary>
/// A durable version in the network, read block by block: a read fetches only the blocks it covers (decoded from k
/// verified fragments, decrypted and checked), keeps them in one sparse cache file, and — when reads go in order — fetches
/// the next blocks ahead. Each cached block is evictable on its own; a block being copied out is pinned until the copy ends.
/// The cache file is opened through the cache's <see cref="HandleCache"/> when a block is written or copied out, never held.
/// </summary>
public sealed class RemoteContent : FileContent
{
    private readonly Func<VersionBlocks> _open;
    private readonly Func<long, Task> _reserve;
    private readonly string _path;
    private readonly CacheSpace _space;
    private readonly int _readAhead;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Block[] _blocks;
    private readonly Dictionary<long, Task> _fetching = [];
    private VersionBlocks? _reader;
    private bool _discarded;

    /// <summary>
    /// <paramref name="reserve"/> counts a fetched block's bytes in <paramref name="space"/>, making room (the drive's policy:
    /// evict, wait for uploads, or count it over the limit and say so).
    /// </summary>
    public RemoteContent(CatalogVersion version, int blockSize, Func<VersionBlocks> open, Func<long, Task> reserve, string path,
        CacheSpace space, int readAhead, ILogger logger)
    {
        Version = version;
        BlockSize = blockSize;
        _open = open;
        _reserve = reserve;
        _path = path;
        _space = space;
        _readAhead = readAhead;
        _logger = logger;
        var count = (version.Size + blockSize - 1) / blockSize;
        _blocks = new Block[count];
        for (var i = 0; i < count; i++)
            _blocks[i] = new Block(this, i);
    }

    public CatalogVersion Version { get; }

    public int BlockSize { get; }

    public override long Length => Version.Size;

    /// <summary>Fragments asked of suppliers for this version so far.</summary>
    public long FragmentsRequested
    {
        get
        {
            lock (_gate)
                return _reader?.FragmentsRequested ?? 0;
        }
    }

    /// <summary>True when every block is in the cache.</summary>
    public bool FullyCached
    {
        get
        {
            lock (_gate)
                return _blocks.All(b => b.Present);
        }
    }

    /// <summary>
    /// Reads up to <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>, fetching the blocks that cover them;
    /// <paramref name="sequential"/> (the read follows the previous one) also starts fetching the blocks after them.
    /// </summary>
    public async Task<int> ReadAsync(Memory<byte> buffer, long offset, bool sequential, CancellationToken cancellationToken)
    {
        if (offset >= Length || buffer.Length == 0)
            return 0;
        var wanted = (int)Math.Min(buffer.Length, Length - offset);
        var first = offset / BlockSize;
        var last = (offset + wanted - 1) / BlockSize;
        if (sequential)
            Prefetch(last + 1, last + _readAhead);
        for (var attempt = 0; ; attempt++)
        {
            await EnsureAsync(first, last, cancellationToken).ConfigureAwait(false);
            if (TryCopy(buffer.Span[..wanted], offset, first, last))
                return wanted;
            if (attempt > 8)
                throw new IOException($"the cache kept dropping blocks {first}..{last} of {Version.File} while they were read");
        }
    }

    /// <summary>Fetches every block (what opening the file for writing needs) and copies the whole version to <paramref name="destination"/>.</summary>
    public async Task CopyToAsync(LocalContent destination, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            for (var offset = 0L; offset < Length; offset += BlockSize)
            {
                var read = await ReadAsync(buffer.AsMemory(0, BlockSize), offset, sequential: true, cancellationToken).ConfigureAwait(false);
                destination.Write(buffer.AsSpan(0, read), offset);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Prefetch(long from, long to)
    {
        for (var index = from; index <= Math.Min(to, _blocks.Length - 1); index++)
        {
            var fetch = FetchOrNull(index);
            fetch?.ContinueWith(t => FetchLog.PrefetchFailed(_logger, index, Version.File.ToString(), t.Exception!.GetBaseException().Message),
                CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private async Task EnsureAsync(long first, long last, CancellationToken cancellationToken)
    {
        var waits = new List<Task>();
        for (var index = first; index <= last; index++)
        {
            if (FetchOrNull(index) is { } fetch)
                waits.Add(fetch);
        }
        if (waits.Count > 0)
            await Task.WhenAll(waits).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The fetch of block <paramref name="index"/> (started now or already running), or null when it is cached.</summary>
    private Task? FetchOrNull(long index)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_discarded, this);
            if (_blocks[index].Present)
                return null;
            if (_fetching.TryGetValue(index, out var running))
                return running;
            var fetch = Task.Run(() => FetchAsync(index));
            _fetching[index] = fetch;
            return fetch;
        }
    }

    private async Task FetchAsync(long index)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BlockSize);
        try
        {
            VersionBlocks reader;
            lock (_gate)
                reader = _reader ??= _open();
            var length = await reader.ReadBlockAsync(index, buffer, CancellationToken.None).ConfigureAwait(false);
            var pages = CacheSpace.Pages(length);
            await _reserve(pages).ConfigureAwait(false);
            lock (_gate)
            {
                if (_discarded)
                {
                    _space.Add(-pages);
                    return;
                }
                using (var file = _space.Handles.Rent(_path, FileMode.OpenOrCreate))
                    RandomAccess.Write(file.Handle, buffer.AsSpan(0, length), index * BlockSize);
                _blocks[index].Present = true;
                _blocks[index].Length = length;
            }
            _space.Touch(_blocks[index]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            lock (_gate)
                _fetching.Remove(index);
        }
    }

    /// <summary>Copies from the cache file when every block is still there, pinning them so none is evicted mid-copy.</summary>
    private bool TryCopy(Span<byte> destination, long offset, long first, long last)
    {
        HandleCache.Lease file;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_discarded, this);
            for (var index = first; index <= last; index++)
            {
                if (!_blocks[index].Present)
                    return false;
            }
            // Leased under the gate, so a discard (which forgets the file under it) never races a handle back into the cache.
            file = _space.Handles.Rent(_path);
            for (var index = first; index <= last; index++)
                _blocks[index].Pins++;
        }
        try
        {
            var done = 0;
            while (done < destination.Length)
            {
                var read = RandomAccess.Read(file.Handle, destination[done..], offset + done);
                if (read == 0)
                    throw new IOException($"the cache file of {Version.File} is shorter than the blocks it holds");
                done += read;
            }
        }
        finally
        {
            file.Dispose();
            lock (_gate)
            {
                for (var index = first; index <= last; index++)
                    _blocks[index].Pins--;
            }
            for (var index = first; index <= last; index++)
                _space.Touch(_blocks[index]);
        }
        return true;
    }

    private bool EvictBlock(Block block)
    {
        int length;
        lock (_gate)
        {
            if (!block.Present)
                return true;
            if (block.Pins > 0)
                return false;
            bool released;
            using (var file = _space.Handles.Rent(_path))
                released = SparseFile.Release(file.Handle, block.Index * BlockSize, block.Length);
            if (!released)
            {
                // No hole punching here: only dropping the whole cache file frees disk space.
                return DropAllLocked();
            }
            block.Present = false;
            length = block.Length;
        }
        _space.Add(-CacheSpace.Pages(length));
        return true;
    }

    private bool DropAllLocked()
    {
        if (_blocks.Any(b => b.Pins > 0))
            return false;
        var freed = 0L;
        foreach (var block in _blocks.Where(b => b.Present))
        {
            block.Present = false;
            freed += CacheSpace.Pages(block.Length);
            _space.Forget(block);
        }
        _space.Handles.Forget(_path);
        File.Delete(_path);
        _space.Add(-freed);
        return true;
    }

    public override void Discard()
    {
        lock (_gate)
        {
            if (_discarded)
                return;
            _discarded = true;
            var freed = 0L;
            foreach (var block in _blocks)
            {
                _space.Forget(block);
                if (block.Present)
                    freed += CacheSpace.Pages(block.Length);
                block.Present = false;
            }
            _space.Handles.Forget(_path);
            File.Delete(_path);
            _reader?.Dispose();
            _reader = null;
            _space.Add(-freed);
        }
    }

    private sealed class Block(RemoteContent owner, long index) : IEvictable
    {
        public long Index { get; } = index;

        public bool Present { get; set; }

        public int Length { get; set; }

        public int Pins { get; set; }

        public bool Evict(CacheSpace space) => owner.EvictBlock(this);
    }
}

internal static partial class FetchLog
{
    [LoggerMessage(EventId = 5200, Level = LogLevel.Debug, Message = "read-ahead of block {Block} of {Version} failed: {Reason}")]
    public static partial void PrefetchFailed(ILogger logger, long block, string version, string reason);
}
