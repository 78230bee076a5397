using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Coding;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// The 64-byte header in front of every fragment a supplier stores. It names the fragment (random file id, version, block,
/// position, scheme) without revealing anything about the content, and carries the fragment's tag: a GMAC of the payload
/// under a key only the owner has, so a supplier or a router cannot forge or alter a fragment unnoticed.
/// </summary>
public sealed record FragmentHeader(FileVersion File, long BlockIndex, int FragmentIndex, ErasureScheme Scheme, int PayloadLength, byte[] Tag)
{
    public const int Size = 64;
    public const byte FormatVersion = 1;
    public const int TagSize = 16;

    /// <summary>A fragment is at most a whole block (largest block, k = 1) plus rounding.</summary>
    public const int MaxPayloadLength = PipelineLimits.MaxBlockSize + PipelineLimits.MaxSealOverhead + 64;

    private static ReadOnlySpan<byte> Magic => "BDFR"u8;

    public void WriteTo(Span<byte> destination)
    {
        destination = destination[..Size];
        Magic.CopyTo(destination);
        destination[4] = FormatVersion;
        destination[5] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(destination[6..], (ushort)Scheme.DataCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[8..], (ushort)Scheme.ParityCount);
        BinaryPrimitives.WriteUInt16BigEndian(destination[10..], (ushort)FragmentIndex);
        BinaryPrimitives.WriteInt32BigEndian(destination[12..], PayloadLength);
        File.WriteTo(destination[16..40]);
        BinaryPrimitives.WriteInt64BigEndian(destination[40..], BlockIndex);
        Tag.CopyTo(destination[48..64]);
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>
    /// Null when <paramref name="stored"/> (header and payload, as a supplier keeps a fragment) is headed as the fragment at
    /// <paramref name="address"/> with a payload of <paramref name="payloadLength"/> bytes; else what is wrong with it.
    /// </summary>
    public static string? CheckStored(ReadOnlySpan<byte> stored, FragmentAddress address, int payloadLength)
    {
        if (!TryRead(stored, out var header, out var error))
            return $"bad header: {error}";
        if (header.File != address.File || header.BlockIndex != address.BlockIndex || header.FragmentIndex != address.FragmentIndex)
            return $"holds another fragment ({header.File}/b{header.BlockIndex}/f{header.FragmentIndex})";
        return header.PayloadLength != payloadLength || stored.Length != Size + payloadLength
            ? $"payload is {stored.Length - Size} bytes, expected {payloadLength}"
            : null;
    }

    /// <summary>Parses a header; on failure <paramref name="error"/> says what is wrong with it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, [NotNullWhen(true)] out FragmentHeader? header, [NotNullWhen(false)] out string? error)
    {
        header = null;
        if (source.Length < Size)
            return Fail($"fragment header truncated: {source.Length} of {Size} bytes", out error);
        if (!source[..4].SequenceEqual(Magic))
            return Fail("not a BitDust fragment (bad magic)", out error);
        if (source[4] != FormatVersion)
            return Fail($"fragment format version {source[4]} is not supported (this program reads {FormatVersion})", out error);
        if (source[5] != 0)
            return Fail($"fragment header has unknown flags 0x{source[5]:x2}", out error);
        int k = BinaryPrimitives.ReadUInt16BigEndian(source[6..]);
        int m = BinaryPrimitives.ReadUInt16BigEndian(source[8..]);
        int index = BinaryPrimitives.ReadUInt16BigEndian(source[10..]);
        var length = BinaryPrimitives.ReadInt32BigEndian(source[12..]);
        var file = FileVersion.ReadFrom(source[16..40]);
        var block = BinaryPrimitives.ReadInt64BigEndian(source[40..]);
        if (k < 1 || k + m > PipelineLimits.MaxFragments)
            return Fail($"fragment header has an invalid scheme {k}+{m}", out error);
        if (index >= k + m)
            return Fail($"fragment index {index} is outside the scheme {k}+{m}", out error);
        if (length is < 0 or > MaxPayloadLength)
            return Fail($"fragment payload length {length} is outside 0..{MaxPayloadLength}", out error);
        if (file.Version < 1)
            return Fail($"fragment has an invalid file version {file.Version}", out error);
        if (block is < 0 or >= PipelineLimits.MaxBlocks)
            return Fail($"fragment block index {block} is outside 0..{PipelineLimits.MaxBlocks - 1}", out error);
        header = new FragmentHeader(file, block, index, new ErasureScheme(k, m), length, source[48..64].ToArray());
        error = null;
        return true;
    }
}
