using System.Buffers;

namespace BitDust.Engine.Network.Transport;

/// <summary>Writes one frame as a single write, so a frame is never interleaved with another; callers serialize writers.</summary>
internal static class FrameWriter
{
    public static async ValueTask WriteAsync(
        Stream stream, FrameType type, uint id, ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> payload,
        CancellationToken cancellationToken)
    {
        var length = prefix.Length + payload.Length;
        var buffer = ArrayPool<byte>.Shared.Rent(FrameHeader.Size + length);
        try
        {
            new FrameHeader(type, id, length).Write(buffer);
            prefix.Span.CopyTo(buffer.AsSpan(FrameHeader.Size));
            payload.Span.CopyTo(buffer.AsSpan(FrameHeader.Size + prefix.Length));
            await stream.WriteAsync(buffer.AsMemory(0, FrameHeader.Size + length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
