using System.Buffers.Binary;
using BitDust.Engine.Pipeline;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>
/// Names one stored fragment on a supplier: file version, block and family position. It carries no file name: file ids are
/// random, so a supplier learns nothing from it. 36 bytes on the wire.
/// </summary>
public readonly record struct FragmentKey(FileVersion File, long BlockIndex, int Position)
{
    public const int Size = FileVersion.Size + 8 + 4;

    public static FragmentKey From(FragmentAddress address) => new(address.File, address.BlockIndex, address.FragmentIndex);

    public FragmentAddress ToAddress() => new(File, BlockIndex, Position);

    public void WriteTo(Span<byte> destination)
    {
        File.WriteTo(destination);
        BinaryPrimitives.WriteInt64BigEndian(destination[FileVersion.Size..], BlockIndex);
        BinaryPrimitives.WriteInt32BigEndian(destination[(FileVersion.Size + 8)..], Position);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Reads a key; false with a reason for a short buffer or out-of-range numbers.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out FragmentKey key, out string? error)
    {
        key = default;
        if (source.Length < Size)
        {
            error = $"a fragment key is {Size} bytes, not {source.Length}";
            return false;
        }
        var file = FileVersion.ReadFrom(source);
        var block = BinaryPrimitives.ReadInt64BigEndian(source[FileVersion.Size..]);
        var position = BinaryPrimitives.ReadInt32BigEndian(source[(FileVersion.Size + 8)..]);
        if (file.Version < 1 || block < 0 || block >= PipelineLimits.MaxBlocks || position is < 0 or >= 256)
        {
            error = $"fragment key {file}/b{block}/f{position} is out of range";
            return false;
        }
        key = new FragmentKey(file, block, position);
        error = null;
        return true;
    }

    public override string ToString() => $"{File}/b{BlockIndex}/f{Position}";
}
