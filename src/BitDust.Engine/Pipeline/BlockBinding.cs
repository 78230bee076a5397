using System.Buffers.Binary;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// The associated data of a sealed block: file version, block index, codec and original length. A block moved to another
/// position or version, or relabelled as compressed, fails to open.
/// </summary>
internal static class BlockBinding
{
    public const int Size = FileVersion.Size + 8 + 1 + 4;

    public static void Write(Span<byte> destination, FileVersion file, long blockIndex, BlockCodec codec, int plainLength)
    {
        file.WriteTo(destination);
        BinaryPrimitives.WriteInt64BigEndian(destination[FileVersion.Size..], blockIndex);
        destination[FileVersion.Size + 8] = (byte)codec;
        BinaryPrimitives.WriteInt32BigEndian(destination[(FileVersion.Size + 9)..], plainLength);
    }
}
