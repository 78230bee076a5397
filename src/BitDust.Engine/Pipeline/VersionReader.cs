using System.Buffers;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Reads a range of a file version: decodes only the blocks that cover it, up to 2 × parallelism at once, and writes them
/// to the output in order. Nothing of a block is written before the whole block has been verified.
/// </summary>
public static class VersionReader
{
    public static async Task ReadAsync(BlockDecoder decoder, IFragmentSource source, Stream output, long offset, long count,
        int parallelism, CancellationToken cancellationToken)
    {
        var manifest = decoder.Manifest;
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        if (offset + count > manifest.Size)
            throw new ArgumentOutOfRangeException(nameof(count), $"Range {offset}+{count} is past the end of {manifest.File} ({manifest.Size} bytes).");
        if (count == 0)
            return;
        var first = offset / manifest.BlockSize;
        var last = (offset + count - 1) / manifest.BlockSize;
        var window = new Queue<(long Index, byte[] Buffer, Task<int> Decode)>();
        var next = first;
        try
        {
            while (next <= last || window.Count > 0)
            {
                while (next <= last && window.Count < 2 * parallelism)
                {
                    var index = next++;
                    var buffer = ArrayPool<byte>.Shared.Rent(manifest.BlockSize);
                    window.Enqueue((index, buffer, Task.Run(
                        () => decoder.DecodeAsync(index, source, buffer, cancellationToken).AsTask(), cancellationToken)));
                }
                var (blockIndex, blockBuffer, decode) = window.Dequeue();
                try
                {
                    var length = await decode.ConfigureAwait(false);
                    var blockStart = blockIndex * manifest.BlockSize;
                    var from = (int)Math.Max(0, offset - blockStart);
                    var to = (int)Math.Min(length, offset + count - blockStart);
                    await output.WriteAsync(blockBuffer.AsMemory(from, to - from), cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(blockBuffer);
                }
            }
        }
        finally
        {
            while (window.Count > 0)
            {
                var (_, buffer, decode) = window.Dequeue();
                await ((Task)decode).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
