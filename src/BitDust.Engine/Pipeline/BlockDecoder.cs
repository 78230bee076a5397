using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Reads blocks of one file version back: fetches the data fragments first (no decoding needed when they are all good),
/// falls back to parity fragments for any that are missing or fail their tag, rebuilds from any k verified ones, then opens
/// and decompresses. A block that cannot be read is a <see cref="BlockUnavailableException"/>, never wrong bytes.
/// Safe to call from several threads at once.
/// </summary>
public sealed class BlockDecoder : IDisposable
{
    private readonly Manifest _manifest;
    private readonly ReedSolomon _coder;
    private readonly CryptoWorkers _workers;
    private readonly int[] _allPositions;

    public BlockDecoder(Manifest manifest, DataKey key, ReedSolomon coder)
    {
        if (coder.Scheme != manifest.Scheme)
            throw new ArgumentException($"The coder's scheme {coder.Scheme} differs from the manifest's {manifest.Scheme}.", nameof(coder));
        _manifest = manifest;
        _coder = coder;
        _workers = new CryptoWorkers(key);
        Verifier = new FragmentVerifier(manifest, _workers, ownsWorkers: false);
        _allPositions = [.. Enumerable.Range(0, manifest.Scheme.Total)];
    }

    public Manifest Manifest => _manifest;

    /// <summary>The check every fetched fragment passes, for callers that handle fragments themselves (audits, rebuild).</summary>
    public FragmentVerifier Verifier { get; }

    /// <summary>Decodes block <paramref name="blockIndex"/> into <paramref name="destination"/>; returns its length.</summary>
    public async ValueTask<int> DecodeAsync(long blockIndex, IFragmentSource source, Memory<byte> destination, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(blockIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(blockIndex, _manifest.Blocks.Count);
        var plainLength = _manifest.PlainLength(blockIndex);
        if (destination.Length < plainLength)
            throw new ArgumentException($"Block {blockIndex} needs {plainLength} bytes of room, not {destination.Length}.", nameof(destination));
        var entry = _manifest.Blocks[(int)blockIndex];
        var scheme = _manifest.Scheme;
        var shardLength = entry.ShardLength(scheme);
        var buffer = ArrayPool<byte>.Shared.Rent(scheme.Total * shardLength);
        try
        {
            var shards = new Memory<byte>[scheme.Total];
            for (var i = 0; i < shards.Length; i++)
                shards[i] = buffer.AsMemory(i * shardLength, shardLength);
            var present = await FetchVerifiedAsync(blockIndex, source, _allPositions, shards, cancellationToken).ConfigureAwait(false);
            Open(blockIndex, entry, buffer, shards, present, shardLength, destination.Span[..plainLength]);
            return plainLength;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads fragments of block <paramref name="blockIndex"/> into <paramref name="shards"/> (one per position, each the
    /// payload length), asking <paramref name="candidates"/> in order, as many at once as are still needed, until k of them
    /// pass their tag. Returns which positions hold verified payloads; fewer than k is a <see cref="BlockUnavailableException"/>
    /// naming each fragment's problem. Nothing is decrypted: a rebuild recodes fragments from what this returns.
    /// </summary>
    public async ValueTask<bool[]> FetchVerifiedAsync(long blockIndex, IFragmentSource source, IReadOnlyList<int> candidates,
        Memory<byte>[] shards, CancellationToken cancellationToken)
    {
        var scheme = _manifest.Scheme;
        ArgumentOutOfRangeException.ThrowIfNotEqual(shards.Length, scheme.Total, nameof(shards));
        var present = new bool[scheme.Total];
        var failures = new SortedDictionary<int, string>();
        var verified = 0;
        var next = 0;
        while (verified < scheme.DataCount && next < candidates.Count)
        {
            var wanted = Math.Min(scheme.DataCount - verified, candidates.Count - next);
            var batch = new (int Index, ValueTask<string?> Read)[wanted];
            for (var j = 0; j < wanted; j++, next++)
            {
                var position = candidates[next];
                batch[j] = (position, source.ReadAsync(new FragmentAddress(_manifest.File, blockIndex, position), shards[position],
                    cancellationToken));
            }
            foreach (var (index, read) in batch)
            {
                var problem = await read.ConfigureAwait(false) ?? Verifier.VerifyPayload(blockIndex, index, shards[index].Span);
                if (problem is null)
                {
                    present[index] = true;
                    verified++;
                }
                else
                {
                    failures[index] = problem;
                }
            }
        }
        if (verified < scheme.DataCount)
            throw new BlockUnavailableException(_manifest.File, blockIndex, verified, scheme.DataCount,
                failures.Select(f => $"fragment {f.Key} ({source.Describe(f.Key)}): {f.Value}").ToArray());
        return present;
    }

    private void Open(long blockIndex, BlockEntry entry, byte[] buffer, Memory<byte>[] shards, bool[] present, int shardLength,
        Span<byte> destination)
    {
        if (Array.IndexOf(present, false, 0, _manifest.Scheme.DataCount) >= 0)
            _coder.Reconstruct(shards, present, shardLength, dataOnly: true);
        var sealedBlock = buffer.AsSpan(0, entry.SealedLength);
        var ciphertext = sealedBlock[..entry.StoredLength];
        var tag = sealedBlock[entry.StoredLength..];
        if (!tag.SequenceEqual(entry.BlockTag))
            throw new TamperedBlockException(_manifest.File, blockIndex, "its rebuilt tag differs from the manifest's");
        Span<byte> binding = stackalloc byte[BlockBinding.Size];
        BlockBinding.Write(binding, _manifest.File, blockIndex, entry.Codec, destination.Length);
        var worker = _workers.Rent();
        byte[]? stored = null;
        try
        {
            if (entry.Codec == BlockCodec.None)
            {
                worker.Cipher.Open(blockIndex, binding, ciphertext, tag, destination);
                return;
            }
            stored = ArrayPool<byte>.Shared.Rent(entry.StoredLength);
            worker.Cipher.Open(blockIndex, binding, ciphertext, tag, stored.AsSpan(0, entry.StoredLength));
            if (!BlockCompressor.TryDecompress(entry.Codec, stored.AsSpan(0, entry.StoredLength), destination, out var error))
                throw new TamperedBlockException(_manifest.File, blockIndex, error);
        }
        finally
        {
            _workers.Return(worker);
            if (stored is not null)
                ArrayPool<byte>.Shared.Return(stored);
        }
    }

    public void Dispose() => _workers.Dispose();
}
