using System.Buffers;
using BitDust.Engine.Coding;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// One sealed, erasure-coded block: n fragment payloads laid out back to back in one pooled buffer (data fragments first, so
/// the sealed block is contiguous), their tags, and the manifest entry. Dispose returns the buffer to the pool.
/// </summary>
public sealed class EncodedBlock : IDisposable
{
    private readonly ArrayPool<byte> _pool;
    private byte[]? _buffer;

    internal EncodedBlock(FileVersion file, long index, ErasureScheme scheme, BlockEntry entry, byte[] buffer, int shardLength,
        ArrayPool<byte> pool)
    {
        _pool = pool;
        File = file;
        Index = index;
        Scheme = scheme;
        Entry = entry;
        _buffer = buffer;
        ShardLength = shardLength;
    }

    public FileVersion File { get; }

    public long Index { get; }

    public ErasureScheme Scheme { get; }

    public BlockEntry Entry { get; }

    /// <summary>Payload length of every fragment of this block.</summary>
    public int ShardLength { get; }

    public Memory<byte> Payload(int fragmentIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fragmentIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fragmentIndex, Scheme.Total);
        ObjectDisposedException.ThrowIf(_buffer is null, this);
        return _buffer.AsMemory(fragmentIndex * ShardLength, ShardLength);
    }

    public FragmentHeader Header(int fragmentIndex) =>
        new(File, Index, fragmentIndex, Scheme, ShardLength, Entry.FragmentTag(fragmentIndex).ToArray());

    /// <summary>Header and payload of one fragment, as a supplier stores it.</summary>
    public byte[] ToFragmentBytes(int fragmentIndex)
    {
        var bytes = new byte[FragmentHeader.Size + ShardLength];
        Header(fragmentIndex).WriteTo(bytes);
        Payload(fragmentIndex).Span.CopyTo(bytes.AsSpan(FragmentHeader.Size));
        return bytes;
    }

    public void Dispose()
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
            _pool.Return(buffer);
    }
}
