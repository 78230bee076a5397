using System.Runtime.InteropServices;

namespace BitDust.Bench.Coding;

/// <summary>
/// Shard-sets carved from one 64-byte aligned buffer larger than the caches, so cycling through them streams from
/// memory the way a backup of many blocks does. Both coders see the same sets.
/// </summary>
internal sealed unsafe class ShardPool
{
    private readonly byte[] _buffer;
    private readonly byte* _start;

    public ShardPool(long bytes)
    {
        // Pinned-heap memory: created with CreateFromPinnedArray, the Memory views pin for free.
        _buffer = GC.AllocateUninitializedArray<byte>(checked((int)bytes + 64), pinned: true);
        var address = (nint)Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0);
        _start = (byte*)((address + 63) & ~(nint)63);
        Capacity = bytes;
        var state = 88172645463325252UL;
        var words = new Span<ulong>(_start, (int)(bytes / 8));
        for (var i = 0; i < words.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            words[i] = state;
        }
    }

    public long Capacity { get; }

    /// <summary>
    /// As many sets of <paramref name="shards"/> fragments of <paramref name="shardBytes"/> as fit, up to
    /// <paramref name="maxSets"/>. Skewed fragments start at different offsets from a cache line, as separately
    /// allocated arrays do; otherwise every fragment is 64-byte aligned.
    /// </summary>
    public ShardSets Carve(int shards, int shardBytes, int maxSets, bool skewed)
    {
        var slotBytes = shardBytes + (skewed ? 64 : 0);
        var count = (int)Math.Clamp(Capacity / ((long)shards * slotBytes), 1, maxSets);
        var memories = new Memory<byte>[count][];
        var pointers = GC.AllocateArray<nint>(count * shards, pinned: true);
        var offset = (int)(_start - (byte*)Marshal.UnsafeAddrOfPinnedArrayElement(_buffer, 0));
        for (var s = 0; s < count; s++)
        {
            memories[s] = new Memory<byte>[shards];
            for (var i = 0; i < shards; i++)
            {
                var at = (((s * shards) + i) * slotBytes) + (skewed ? (i * 24) % 64 : 0);
                memories[s][i] = MemoryMarshal.CreateFromPinnedArray(_buffer, offset + at, shardBytes);
                pointers[(s * shards) + i] = (nint)(_start + at);
            }
        }

        return new ShardSets(memories, pointers, shards);
    }
}

/// <summary>The same shard-sets as Memory views for our coder and as raw pointers for ISA-L.</summary>
internal sealed unsafe class ShardSets(Memory<byte>[][] memories, nint[] pinnedPointers, int shards)
{
    public int Count => memories.Length;

    public Memory<byte>[] Memories(int set) => memories[set];

    /// <summary>The fragment pointers of one set, in fragment order.</summary>
    public byte** Pointers(int set) => (byte**)Marshal.UnsafeAddrOfPinnedArrayElement(pinnedPointers, set * shards);
}
