using System.Collections.Concurrent;

using BitDust.Engine.Pipeline;

namespace BitDust.TestSupport;

/// <summary>
/// Fragments kept in memory, as a supplier would keep them on disk: header bytes and payload per address. Used to measure
/// the pipeline without a network and as the reference behaviour for real stores: it parses the stored header and refuses a
/// fragment whose header does not match the address asked for.
/// </summary>
public sealed class MemoryFragmentStore : IFragmentSource, IDisposable
{
    private readonly ConcurrentDictionary<FragmentAddress, (byte[] Header, Memory<byte> Payload)> _fragments = new();
    private readonly ConcurrentQueue<EncodedBlock> _owned = new();

    public int Count => _fragments.Count;

    /// <summary>Keeps every fragment of <paramref name="block"/>; the store takes ownership of the block's buffer.</summary>
    public void Add(EncodedBlock block)
    {
        _owned.Enqueue(block);
        for (var i = 0; i < block.Scheme.Total; i++)
            _fragments[new FragmentAddress(block.File, block.Index, i)] = (block.Header(i).ToBytes(), block.Payload(i));
    }

    public bool Remove(FragmentAddress address) => _fragments.TryRemove(address, out _);

    /// <summary>The stored payload, writable: what a supplier's disk holds, bit rot included.</summary>
    public Memory<byte> PayloadOf(FragmentAddress address) => _fragments[address].Payload;

    public ValueTask<string?> ReadAsync(FragmentAddress address, Memory<byte> payload, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_fragments.TryGetValue(address, out var fragment))
            return ValueTask.FromResult<string?>("unavailable");
        if (!FragmentHeader.TryRead(fragment.Header, out var header, out var error))
            return ValueTask.FromResult<string?>($"bad header: {error}");
        if (header.File != address.File || header.BlockIndex != address.BlockIndex || header.FragmentIndex != address.FragmentIndex)
            return ValueTask.FromResult<string?>($"holds another fragment ({header.File}/b{header.BlockIndex}/f{header.FragmentIndex})");
        if (header.PayloadLength != payload.Length || fragment.Payload.Length != payload.Length)
            return ValueTask.FromResult<string?>($"payload is {fragment.Payload.Length} bytes, expected {payload.Length}");
        fragment.Payload.CopyTo(payload);
        return ValueTask.FromResult<string?>(null);
    }

    public string Describe(int fragmentIndex) => $"memory position {fragmentIndex}";

    public void Dispose()
    {
        _fragments.Clear();
        while (_owned.TryDequeue(out var block))
            block.Dispose();
    }
}
