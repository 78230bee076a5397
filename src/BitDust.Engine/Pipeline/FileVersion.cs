using System.Buffers.Binary;

namespace BitDust.Engine.Pipeline;

/// <summary>One version of one file: a random file id (it says nothing about the name) and a version number.</summary>
public readonly record struct FileVersion(Guid FileId, long Version)
{
    public const int Size = 24;

    public static FileVersion NewFile() => new(Guid.NewGuid(), 1);

    public FileVersion Next() => this with { Version = Version + 1 };

    /// <summary>The 24 bytes that bind keys, blocks and fragments to this version.</summary>
    public void WriteTo(Span<byte> destination)
    {
        FileId.TryWriteBytes(destination[..16], bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..Size], Version);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public static FileVersion ReadFrom(ReadOnlySpan<byte> source) =>
        new(new Guid(source[..16], bigEndian: true), BinaryPrimitives.ReadInt64BigEndian(source[16..Size]));

    public override string ToString() => $"{FileId:N}/v{Version}";
}
