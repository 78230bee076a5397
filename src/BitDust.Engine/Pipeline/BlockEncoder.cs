using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Turns blocks of one file version into fragments: compress when it pays, seal with AES-256-GCM (nonce from the block
/// index, position and version as associated data), erasure-code into n fragments and tag each fragment. Safe to call from
/// several threads at once; each block index must be encoded once.
/// </summary>
public sealed class BlockEncoder : IDisposable
{
    private readonly FileVersion _file;
    private readonly ReedSolomon _coder;
    private readonly BlockCompressor? _compressor;
    private readonly CryptoWorkers _workers;
    private readonly ArrayPool<byte> _fragmentBuffers;

    public BlockEncoder(FileVersion file, DataKey key, ReedSolomon coder, BlockCompressor? compressor, ArrayPool<byte>? fragmentBuffers = null)
    {
        _fragmentBuffers = fragmentBuffers ?? ArrayPool<byte>.Shared;
        _file = file;
        _coder = coder;
        _compressor = compressor;
        _workers = new CryptoWorkers(key);
    }

    public ErasureScheme Scheme => _coder.Scheme;

    public EncodedBlock Encode(long blockIndex, ReadOnlySpan<byte> block)
    {
        if (block.Length is 0 or > PipelineLimits.MaxBlockSize)
            throw new ArgumentOutOfRangeException(nameof(block), block.Length, $"A block holds 1..{PipelineLimits.MaxBlockSize} bytes.");
        byte[]? compressed = null;
        try
        {
            var codec = BlockCodec.None;
            var stored = block;
            if (_compressor is not null && !BlockCompressor.LooksIncompressible(block))
            {
                compressed = ArrayPool<byte>.Shared.Rent(BlockCompressor.MaxCompressedLength(block.Length));
                codec = _compressor.TryCompress(block, compressed, out var compressedLength);
                if (codec != BlockCodec.None)
                    stored = compressed.AsSpan(0, compressedLength);
            }
            return Seal(blockIndex, block.Length, codec, stored);
        }
        finally
        {
            if (compressed is not null)
                ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    private EncodedBlock Seal(long blockIndex, int plainLength, BlockCodec codec, ReadOnlySpan<byte> stored)
    {
        var scheme = _coder.Scheme;
        var sealedLength = stored.Length + BlockCipher.TagSize;
        var shardLength = scheme.ShardLength(sealedLength);
        var buffer = _fragmentBuffers.Rent(scheme.Total * shardLength);
        var worker = _workers.Rent();
        try
        {
            Span<byte> binding = stackalloc byte[BlockBinding.Size];
            BlockBinding.Write(binding, _file, blockIndex, codec, plainLength);
            var sealedBlock = buffer.AsSpan(0, sealedLength);
            worker.Cipher.Seal(blockIndex, binding, stored, sealedBlock[..stored.Length], sealedBlock[stored.Length..]);
            buffer.AsSpan(sealedLength, scheme.DataCount * shardLength - sealedLength).Clear();

            var shards = new Memory<byte>[scheme.Total];
            for (var i = 0; i < shards.Length; i++)
                shards[i] = buffer.AsMemory(i * shardLength, shardLength);
            _coder.Encode(shards, shardLength);

            var fragmentTags = new byte[scheme.Total * FragmentAuthenticator.TagSize];
            for (var i = 0; i < shards.Length; i++)
            {
                worker.Authenticator.ComputeTag(blockIndex, i, scheme.DataCount, scheme.ParityCount, shards[i].Span,
                    fragmentTags.AsSpan(i * FragmentAuthenticator.TagSize, FragmentAuthenticator.TagSize));
            }
            var entry = new BlockEntry(codec, stored.Length, sealedBlock[stored.Length..].ToArray(), fragmentTags);
            return new EncodedBlock(_file, blockIndex, scheme, entry, buffer, shardLength, _fragmentBuffers);
        }
        catch
        {
            _fragmentBuffers.Return(buffer);
            throw;
        }
        finally
        {
            _workers.Return(worker);
        }
    }

    public void Dispose() => _workers.Dispose();
}
