using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// The 12-byte header in front of every frame, big-endian:
/// payload length (u32) | version (u8) | type (u8) | reserved, zero (u16) | request or stream id (u32).
/// Every limit is checked here, on the header alone, so nothing is allocated for a frame that breaks one.
/// </summary>
internal readonly record struct FrameHeader(FrameType Type, uint Id, int Length)
{
    public const int Size = 12;
    public const byte CurrentVersion = 1;

    /// <summary>
    /// The largest payload of any frame; larger data goes as a stream. One request carries one whole fragment: a 64-byte
    /// header and up to 4 MiB (a 4 MiB block with k = 1), with room for its key and framing.
    /// </summary>
    public const int MaxPayload = 5 << 20;

    /// <summary>The largest stream data frame: below the large-object-heap threshold, so chunks are cheap to allocate.</summary>
    public const int MaxStreamData = 64 * 1024;

    /// <summary>Bytes a stream sender may send before the receiver grants more: the most a receiver ever buffers per stream.</summary>
    public const int StreamWindow = 256 * 1024;

    public const int MaxReasonLength = 1024;
    public const int PingLength = 8;
    public const int CreditLength = 4;

    public static bool TryRead(ReadOnlySpan<byte> source, out FrameHeader header, [NotNullWhen(false)] out string? error)
    {
        header = default;
        var length = BinaryPrimitives.ReadUInt32BigEndian(source);
        var version = source[4];
        var type = (FrameType)source[5];
        var reserved = BinaryPrimitives.ReadUInt16BigEndian(source[6..]);
        var id = BinaryPrimitives.ReadUInt32BigEndian(source[8..]);

        if (version != CurrentVersion)
        {
            error = $"frame version {version}, this node speaks version {CurrentVersion}";
            return false;
        }
        if (reserved != 0)
        {
            error = $"reserved header bits {reserved:x4} are set";
            return false;
        }
        if (!TryGetBounds(type, out var min, out var max, out var hasId))
        {
            error = $"unknown frame type {(byte)type}";
            return false;
        }
        if (length < (uint)min || length > (uint)max)
        {
            error = $"{type} frame of {length} bytes, allowed {min} to {max}";
            return false;
        }
        if (hasId != (id != 0))
        {
            error = hasId ? $"{type} frame with id 0" : $"{type} frame with id {id}, expected 0";
            return false;
        }
        header = new FrameHeader(type, id, (int)length);
        error = null;
        return true;
    }

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)Length);
        destination[4] = CurrentVersion;
        destination[5] = (byte)Type;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], 0);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], Id);
    }

    /// <summary>The payload size range of each frame type, and whether it names a request or stream.</summary>
    internal static bool TryGetBounds(FrameType type, out int min, out int max, out bool hasId)
    {
        (min, max, hasId) = type switch
        {
            FrameType.Hello or FrameType.HelloAck => (1, HelloIdentity.MaxLength, false),
            FrameType.Request or FrameType.StreamOpen => (MessageKind.MinEncodedLength, MaxPayload, true),
            FrameType.Response => (0, MaxPayload, true),
            FrameType.RequestError or FrameType.StreamReset => (0, MaxReasonLength, true),
            FrameType.StreamData => (1, MaxStreamData, true),
            FrameType.StreamEnd => (0, 0, true),
            FrameType.StreamCredit => (CreditLength, CreditLength, true),
            FrameType.Ping or FrameType.Pong => (PingLength, PingLength, false),
            _ => (-1, -1, false),
        };
        return min >= 0;
    }
}
