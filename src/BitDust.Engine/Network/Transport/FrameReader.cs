using System.Buffers;
using System.IO.Pipelines;

namespace BitDust.Engine.Network.Transport;

/// <summary>Reads whole frames from a pipe; one reader at a time.</summary>
internal sealed class FrameReader(PipeReader reader)
{
    /// <summary>
    /// The next frame, or null when the peer ended the connection between frames.
    /// Throws <see cref="TransportProtocolException"/> on a header that breaks a limit or a connection that ends inside a frame.
    /// </summary>
    public async ValueTask<Frame?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (TryParse(ref buffer, out var frame, out var error))
            {
                reader.AdvanceTo(buffer.Start);
                return frame;
            }
            if (error is not null)
                throw new TransportProtocolException(error);
            if (result.IsCompleted)
            {
                if (buffer.IsEmpty)
                    return null;
                throw new TransportProtocolException($"the connection ended inside a frame, {buffer.Length} bytes into it");
            }
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    public ValueTask CompleteAsync() => reader.CompleteAsync();

    private static bool TryParse(ref ReadOnlySequence<byte> buffer, out Frame frame, out string? error)
    {
        frame = default;
        error = null;
        if (buffer.Length < FrameHeader.Size)
            return false;
        Span<byte> headerBytes = stackalloc byte[FrameHeader.Size];
        buffer.Slice(0, FrameHeader.Size).CopyTo(headerBytes);
        if (!FrameHeader.TryRead(headerBytes, out var header, out error))
            return false;
        if (buffer.Length < FrameHeader.Size + header.Length)
            return false;
        var payload = header.Length == 0 ? [] : buffer.Slice(FrameHeader.Size, header.Length).ToArray();
        buffer = buffer.Slice(FrameHeader.Size + header.Length);
        frame = new Frame(header.Type, header.Id, payload);
        return true;
    }
}
