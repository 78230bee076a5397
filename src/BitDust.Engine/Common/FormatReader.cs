using System.Buffers.Binary;

namespace BitDust.Engine.Common;

/// <summary>
/// A bounds-checked big-endian reader for our binary formats. Every read says whether the bytes were there, so parsers
/// report "truncated at X" instead of throwing from deep inside.
/// </summary>
internal ref struct FormatReader(ReadOnlySpan<byte> source)
{
    private readonly ReadOnlySpan<byte> _source = source;

    public int Position { get; private set; }

    public readonly int Remaining => _source.Length - Position;

    public bool TryReadBytes(int count, out ReadOnlySpan<byte> bytes)
    {
        if (count < 0 || count > Remaining)
        {
            bytes = default;
            return false;
        }
        bytes = _source.Slice(Position, count);
        Position += count;
        return true;
    }

    public bool TryReadByte(out byte value)
    {
        value = 0;
        if (!TryReadBytes(1, out var bytes))
            return false;
        value = bytes[0];
        return true;
    }

    public bool TryReadUInt16(out int value)
    {
        value = 0;
        if (!TryReadBytes(2, out var bytes))
            return false;
        value = BinaryPrimitives.ReadUInt16BigEndian(bytes);
        return true;
    }

    public bool TryReadInt32(out int value)
    {
        value = 0;
        if (!TryReadBytes(4, out var bytes))
            return false;
        value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return true;
    }

    public bool TryReadInt64(out long value)
    {
        value = 0;
        if (!TryReadBytes(8, out var bytes))
            return false;
        value = BinaryPrimitives.ReadInt64BigEndian(bytes);
        return true;
    }
}
