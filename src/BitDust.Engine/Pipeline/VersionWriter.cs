using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Streams one file version through the pipeline: reads the input block by block, encodes up to 2 × parallelism blocks at
/// once on the thread pool, and hands the encoded blocks to a sink in order. Memory stays bounded whatever the input size:
/// the input is never read more than the encoding window ahead of what the sink has accepted.
/// </summary>
public static class VersionWriter
{
    /// <summary>
    /// Encodes <paramref name="input"/> as <paramref name="file"/> under a fresh data key wrapped by
    /// <paramref name="masterKey"/>. The sink owns each block it receives and must dispose it. Returns the unsigned manifest.
    /// </summary>
    public static async Task<Manifest> WriteAsync(Stream input, FileVersion file, MasterKey masterKey, PipelineOptions options,
        Func<EncodedBlock, CancellationToken, ValueTask> sink, CancellationToken cancellationToken)
    {
        options.Validate();
        using var dataKey = DataKey.Generate();
        var wrappedKey = masterKey.WrapDataKey(dataKey, file.ToBytes());
        using var encoder = new BlockEncoder(file, dataKey, new ReedSolomon(options.Scheme), options.Compressor,
            options.FragmentBuffers);
        var entries = new List<BlockEntry>();
        var window = new Queue<Task<EncodedBlock>>();
        long size = 0;
        var endOfInput = false;
        try
        {
            while (true)
            {
                while (!endOfInput && window.Count < 2 * options.Parallelism)
                {
                    var buffer = ArrayPool<byte>.Shared.Rent(options.BlockSize);
                    int length;
                    try
                    {
                        length = await ReadBlockAsync(input, buffer.AsMemory(0, options.BlockSize), cancellationToken).ConfigureAwait(false);
                    }
                    catch
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        throw;
                    }
                    endOfInput = length < options.BlockSize;
                    if (length == 0)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                        break;
                    }
                    var index = entries.Count + window.Count;
                    if (index >= PipelineLimits.MaxBlocks)
                        throw new InvalidOperationException($"{file} has more than {PipelineLimits.MaxBlocks} blocks: use a larger block size.");
                    size += length;
                    window.Enqueue(Task.Run(() => EncodeAndReturn(encoder, index, buffer, length), cancellationToken));
                }
                if (window.Count == 0)
                    break;
                var block = await window.Dequeue().ConfigureAwait(false);
                entries.Add(block.Entry);
                await sink(block, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            // On failure, let in-flight blocks finish so their buffers go back to the pool, then drop them.
            while (window.Count > 0)
            {
                var pending = window.Dequeue();
                await ((Task)pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (pending.IsCompletedSuccessfully)
                    pending.Result.Dispose();
            }
        }
        return new Manifest(file, size, options.BlockSize, options.Scheme, DateTimeOffset.UtcNow, wrappedKey, entries);
    }

    private static EncodedBlock EncodeAndReturn(BlockEncoder encoder, long index, byte[] buffer, int length)
    {
        try
        {
            return encoder.Encode(index, buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async ValueTask<int> ReadBlockAsync(Stream input, Memory<byte> block, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < block.Length)
        {
            var read = await input.ReadAsync(block[total..], cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            total += read;
        }
        return total;
    }
}
