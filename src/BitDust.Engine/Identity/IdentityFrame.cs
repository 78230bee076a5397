using System.Buffers.Binary;

namespace BitDust.Engine.Identity;

/// <summary>
/// The identity server's TCP framing: a 4-byte big-endian length, then that many bytes (1 to <see cref="MaxPayload"/>).
/// A publisher sends a document per frame; the server answers each with a frame holding a <see cref="PublishAnswer"/>.
/// </summary>
internal static class IdentityFrame
{
    public const int HeaderSize = 4;
    public const int MaxPayload = IdentityDocument.MaxSize;

    public static async Task WriteAsync(Stream stream, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        if (payload.Length is 0 or > MaxPayload)
            throw new ArgumentOutOfRangeException(nameof(payload), payload.Length, $"A frame carries 1 to {MaxPayload} bytes.");
        var frame = new byte[HeaderSize + payload.Length];
        BinaryPrimitives.WriteInt32BigEndian(frame, payload.Length);
        payload.CopyTo(frame.AsMemory(HeaderSize));
        await stream.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one frame; the length is checked before anything is allocated for the payload.</summary>
    public static async Task<FrameRead> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        var got = await stream.ReadAtLeastAsync(header, HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (got == 0)
            return FrameRead.End;
        if (got < HeaderSize)
            return FrameRead.Fail($"the connection ended inside a frame header ({got} of {HeaderSize} bytes)");
        var length = BinaryPrimitives.ReadInt32BigEndian(header);
        if (length is <= 0 or > MaxPayload)
            return FrameRead.Fail($"frame length {length} is outside 1..{MaxPayload}");
        var payload = new byte[length];
        got = await stream.ReadAtLeastAsync(payload, length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        return got < length ? FrameRead.Fail($"the connection ended inside a frame ({got} of {length} bytes)") : new FrameRead(payload, null);
    }
}

/// <summary>One frame, the clean end of the stream (both null), or why the stream is not valid framing.</summary>
internal readonly record struct FrameRead(byte[]? Payload, string? Error)
{
    public static FrameRead End => default;

    public static FrameRead Fail(string error) => new(null, error);
}
