using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Coding;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Pipeline;

/// <summary>
/// Binary form, big-endian: "BDMF", format version, flags, file version (24), size (8), block size (4), k (2), m (2),
/// created (unix ms, 8), signer fingerprint (32), wrapped key (u16 length + bytes), block count (4), per block
/// [codec (1), stored length (4), block tag (16), n fragment tags (16 each)], then the owner's ECDSA signature (u16 length +
/// bytes) over everything before it.
/// </summary>
public sealed partial class Manifest
{
    public const byte FormatVersion = 1;

    /// <summary>Enough for a 250 GiB file in 4 MiB blocks over 64 suppliers; larger files use larger blocks.</summary>
    public const int MaxSize = 64 * 1024 * 1024;

    private const int MaxWrappedKeyLength = 256;
    private const int MaxSignatureLength = 256;
    private const int FingerprintSize = 32;

    private static ReadOnlySpan<byte> Magic => "BDMF"u8;

    /// <summary>Serializes and signs the manifest with the owner's identity key.</summary>
    public byte[] Sign(IdentityKey owner)
    {
        var writer = new FormatWriter(256 + Blocks.Count * (21 + Scheme.Total * BlockEntry.TagSize));
        writer.WriteBytes(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteByte(0);
        Span<byte> file = stackalloc byte[FileVersion.Size];
        File.WriteTo(file);
        writer.WriteBytes(file);
        writer.WriteInt64(Size);
        writer.WriteInt32(BlockSize);
        writer.WriteUInt16(Scheme.DataCount);
        writer.WriteUInt16(Scheme.ParityCount);
        writer.WriteInt64(Created.ToUnixTimeMilliseconds());
        var fingerprint = owner.PublicKey.Fingerprint;
        writer.WriteBytes(Convert.FromHexString(fingerprint));
        writer.WriteUInt16(WrappedKey.Length);
        writer.WriteBytes(WrappedKey);
        writer.WriteInt32(Blocks.Count);
        foreach (var block in Blocks)
        {
            writer.WriteByte((byte)block.Codec);
            writer.WriteInt32(block.StoredLength);
            writer.WriteBytes(block.BlockTag);
            writer.WriteBytes(block.FragmentTags);
        }
        var signature = owner.Sign(writer.WrittenSpan);
        writer.WriteUInt16(signature.Length);
        writer.WriteBytes(signature);
        if (writer.Length > MaxSize)
            throw new InvalidOperationException($"The manifest of {File} would be {writer.Length} bytes, over the {MaxSize} limit: use a larger block size.");
        SignerFingerprint = fingerprint;
        return writer.ToArray();
    }

    /// <summary>
    /// Parses a manifest and checks it was signed by <paramref name="owner"/>. On failure <paramref name="error"/> says what is
    /// wrong: garbage, truncated, oversized, inconsistent, or signed by someone else.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, IdentityPublicKey owner, [NotNullWhen(true)] out Manifest? manifest,
        [NotNullWhen(false)] out string? error)
    {
        manifest = null;
        if (!TryReadUnverified(source, out var parsed, out var signedLength, out var signature, out error))
            return false;
        if (!string.Equals(parsed.SignerFingerprint, owner.Fingerprint, StringComparison.Ordinal))
        {
            error = $"manifest of {parsed.File} is signed by another identity ({Short(parsed.SignerFingerprint!)}), not by {Short(owner.Fingerprint)}";
            return false;
        }
        if (!owner.Verify(source[..signedLength], signature))
        {
            error = $"manifest of {parsed.File} has a bad signature: it was altered after signing";
            return false;
        }
        manifest = parsed;
        return true;
    }

    /// <summary>Parses and verifies, throwing <see cref="ManifestException"/> with the reason.</summary>
    public static Manifest Read(ReadOnlySpan<byte> source, IdentityPublicKey owner) =>
        TryRead(source, owner, out var manifest, out var error) ? manifest : throw new ManifestException(error);

    private static bool TryReadUnverified(ReadOnlySpan<byte> source, [NotNullWhen(true)] out Manifest? manifest, out int signedLength,
        out ReadOnlySpan<byte> signature, [NotNullWhen(false)] out string? error)
    {
        manifest = null;
        signedLength = 0;
        signature = default;
        if (source.Length > MaxSize)
            return Fail($"manifest is {source.Length} bytes, over the {MaxSize} limit", out error);
        var reader = new FormatReader(source);
        if (!reader.TryReadBytes(4, out var magic) || !magic.SequenceEqual(Magic))
            return Fail("not a BitDust manifest (bad magic)", out error);
        if (!reader.TryReadByte(out var version) || !reader.TryReadByte(out var flags))
            return Truncated(reader, out error);
        if (version != FormatVersion)
            return Fail($"manifest format version {version} is not supported (this program reads {FormatVersion})", out error);
        if (flags != 0)
            return Fail($"manifest has unknown flags 0x{flags:x2}", out error);
        if (!reader.TryReadBytes(FileVersion.Size, out var fileBytes) || !reader.TryReadInt64(out var size) ||
            !reader.TryReadInt32(out var blockSize) || !reader.TryReadUInt16(out var k) || !reader.TryReadUInt16(out var m) ||
            !reader.TryReadInt64(out var createdMs) || !reader.TryReadBytes(FingerprintSize, out var fingerprint) ||
            !reader.TryReadUInt16(out var wrappedLength))
            return Truncated(reader, out error);
        var file = FileVersion.ReadFrom(fileBytes);
        if (file.Version < 1)
            return Fail($"manifest has an invalid version number {file.Version}", out error);
        if (size is < 0 or > PipelineLimits.MaxFileSize)
            return Fail($"manifest claims a file size of {size}, outside 0..{PipelineLimits.MaxFileSize}", out error);
        if (blockSize is < PipelineLimits.MinBlockSize or > PipelineLimits.MaxBlockSize)
            return Fail($"manifest block size {blockSize} is outside {PipelineLimits.MinBlockSize}..{PipelineLimits.MaxBlockSize}", out error);
        if (k < 1 || k + m > PipelineLimits.MaxFragments)
            return Fail($"manifest has an invalid scheme {k}+{m}", out error);
        if (createdMs is < 0 or > 253402300799999)
            return Fail($"manifest has an invalid creation time {createdMs}", out error);
        if (wrappedLength > MaxWrappedKeyLength)
            return Fail($"manifest wrapped key is {wrappedLength} bytes, over {MaxWrappedKeyLength}", out error);
        if (!reader.TryReadBytes(wrappedLength, out var wrappedKey) || !reader.TryReadInt32(out var blockCount))
            return Truncated(reader, out error);
        var expectedBlocks = BlockCountFor(size, blockSize);
        if (blockCount != expectedBlocks)
            return Fail($"manifest lists {blockCount} blocks but {size} bytes in blocks of {blockSize} make {expectedBlocks}", out error);
        var scheme = new ErasureScheme(k, m);
        var entrySize = 1 + 4 + BlockEntry.TagSize * (1 + scheme.Total);
        if ((long)blockCount * entrySize > reader.Remaining)
            return Truncated(reader, out error);
        var blocks = new BlockEntry[blockCount];
        for (var i = 0; i < blockCount; i++)
        {
            reader.TryReadByte(out var codec);
            reader.TryReadInt32(out var storedLength);
            reader.TryReadBytes(BlockEntry.TagSize, out var blockTag);
            reader.TryReadBytes(BlockEntry.TagSize * scheme.Total, out var fragmentTags);
            var plainLength = (int)Math.Min(blockSize, size - (long)i * blockSize);
            if (!IsValidStoredLength((BlockCodec)codec, storedLength, plainLength, out error))
            {
                error = $"manifest block {i}: {error}";
                return false;
            }
            blocks[i] = new BlockEntry((BlockCodec)codec, storedLength, blockTag.ToArray(), fragmentTags.ToArray());
        }
        signedLength = reader.Position;
        if (!reader.TryReadUInt16(out var signatureLength))
            return Truncated(reader, out error);
        if (signatureLength is 0 or > MaxSignatureLength)
            return Fail($"manifest signature length {signatureLength} is outside 1..{MaxSignatureLength}", out error);
        if (!reader.TryReadBytes(signatureLength, out signature))
            return Truncated(reader, out error);
        if (reader.Remaining != 0)
            return Fail($"manifest has {reader.Remaining} unexpected bytes after the signature", out error);
        manifest = new Manifest(file, size, blockSize, scheme, DateTimeOffset.FromUnixTimeMilliseconds(createdMs), wrappedKey.ToArray(), blocks)
        {
            SignerFingerprint = Convert.ToHexStringLower(fingerprint),
        };
        error = null;
        return true;
    }

    private static bool IsValidStoredLength(BlockCodec codec, int storedLength, int plainLength, [NotNullWhen(false)] out string? error)
    {
        error = codec switch
        {
            BlockCodec.None when storedLength != plainLength => $"stored length {storedLength} differs from the block length {plainLength}",
            BlockCodec.Zstd when storedLength <= 0 || storedLength >= plainLength =>
                $"compressed length {storedLength} is not between 1 and the block length {plainLength}",
            BlockCodec.None or BlockCodec.Zstd => null,
            _ => $"unknown codec {(byte)codec}",
        };
        return error is null;
    }

    private static string Short(string fingerprint) => fingerprint.Length > 16 ? fingerprint[..16] : fingerprint;

    private static bool Truncated(FormatReader reader, out string error) =>
        Fail($"manifest truncated at byte {reader.Position}", out error);
}
