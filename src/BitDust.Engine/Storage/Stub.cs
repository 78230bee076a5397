using System.Diagnostics.CodeAnalysis;
using System.Text;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Storage;

/// <summary>
/// A <c>.f</c> stub: the small local stand-in for a file whose content lives in the network. It carries the file's name,
/// mode and time, and its signed manifest, and is itself signed by the owner, so a stub that was damaged, altered or made
/// by someone else is refused with the reason instead of producing wrong content.
/// </summary>
/// <remarks>
/// Format: the line "BitDust stub\n", format version (1), flags (1), name (u16 length + UTF-8), mode (4), modified (unix ms,
/// 8), signer fingerprint (32), manifest (u32 length + bytes), signature (u16 length + bytes) over everything before it.
/// </remarks>
public sealed class Stub
{
    public const string Extension = ".f";
    public const byte FormatVersion = 1;
    public const int MaxNameBytes = 4096;
    public const int MaxSize = 13 + 2 + 2 + MaxNameBytes + 4 + 8 + FingerprintSize + 4 + Manifest.MaxSize + 2 + MaxSignatureLength;

    private const int FingerprintSize = 32;
    private const int MaxSignatureLength = 256;
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private Stub(string name, int mode, DateTimeOffset modified, Manifest manifest)
    {
        Name = name;
        Mode = mode;
        Modified = modified;
        Manifest = manifest;
    }

    public static ReadOnlySpan<byte> Magic => "BitDust stub\n"u8;

    /// <summary>The file's path inside the drive, '/'-separated.</summary>
    public string Name { get; }

    /// <summary>Unix permission bits of the original.</summary>
    public int Mode { get; }

    public DateTimeOffset Modified { get; }

    public Manifest Manifest { get; }

    /// <summary>Writes and signs a stub for <paramref name="manifest"/>, signing the manifest too.</summary>
    public static byte[] Create(string name, int mode, DateTimeOffset modified, Manifest manifest, IdentityKey owner)
    {
        if (ValidateName(name) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        if (mode is < 0 or > 0xFFFF)
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "A mode is 16 bits of permission and type bits.");
        var manifestBytes = manifest.Sign(owner);
        var writer = new FormatWriter(256 + manifestBytes.Length);
        writer.WriteBytes(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteByte(0);
        var nameBytes = StrictUtf8.GetBytes(name);
        writer.WriteUInt16(nameBytes.Length);
        writer.WriteBytes(nameBytes);
        writer.WriteInt32(mode);
        writer.WriteInt64(modified.ToUnixTimeMilliseconds());
        writer.WriteBytes(Convert.FromHexString(owner.PublicKey.Fingerprint));
        writer.WriteInt32(manifestBytes.Length);
        writer.WriteBytes(manifestBytes);
        var signature = owner.Sign(writer.WrittenSpan);
        writer.WriteUInt16(signature.Length);
        writer.WriteBytes(signature);
        return writer.ToArray();
    }

    /// <summary>Reads a stub made by <paramref name="owner"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, IdentityPublicKey owner, [NotNullWhen(true)] out Stub? stub,
        [NotNullWhen(false)] out string? error)
    {
        stub = null;
        if (source.Length > MaxSize)
            return Fail($"stub is {source.Length} bytes, over the {MaxSize} limit", out error);
        var reader = new FormatReader(source);
        if (!reader.TryReadBytes(Magic.Length, out var magic) || !magic.SequenceEqual(Magic))
            return Fail("not a BitDust stub (it does not start with \"BitDust stub\")", out error);
        if (!reader.TryReadByte(out var version) || !reader.TryReadByte(out var flags) || !reader.TryReadUInt16(out var nameLength))
            return Truncated(reader, out error);
        if (version != FormatVersion)
            return Fail($"stub format version {version} is not supported (this program reads {FormatVersion}); update bitdust", out error);
        if (flags != 0)
            return Fail($"stub has unknown flags 0x{flags:x2}", out error);
        if (nameLength is 0 or > MaxNameBytes)
            return Fail($"stub name length {nameLength} is outside 1..{MaxNameBytes}", out error);
        if (!reader.TryReadBytes(nameLength, out var nameBytes) || !reader.TryReadInt32(out var mode) ||
            !reader.TryReadInt64(out var modifiedMs) || !reader.TryReadBytes(FingerprintSize, out var fingerprint) ||
            !reader.TryReadInt32(out var manifestLength))
            return Truncated(reader, out error);
        string name;
        try
        {
            name = StrictUtf8.GetString(nameBytes);
        }
        catch (DecoderFallbackException)
        {
            return Fail("stub name is not valid UTF-8", out error);
        }
        if (ValidateName(name) is { } problem)
            return Fail($"stub name is invalid: {problem}", out error);
        if (mode is < 0 or > 0xFFFF)
            return Fail($"stub mode {mode} is not a valid mode", out error);
        if (modifiedMs is < -62135596800000 or > 253402300799999)
            return Fail($"stub modification time {modifiedMs} is out of range", out error);
        var signer = Convert.ToHexStringLower(fingerprint);
        if (!string.Equals(signer, owner.Fingerprint, StringComparison.Ordinal))
            return Fail($"stub for \"{name}\" belongs to another identity ({signer[..16]}), not to this one ({owner.Fingerprint[..16]})", out error);
        if (manifestLength is <= 0 or > Manifest.MaxSize)
            return Fail($"stub manifest length {manifestLength} is outside 1..{Manifest.MaxSize}", out error);
        if (!reader.TryReadBytes(manifestLength, out var manifestBytes))
            return Truncated(reader, out error);
        var signedLength = reader.Position;
        if (!reader.TryReadUInt16(out var signatureLength))
            return Truncated(reader, out error);
        if (signatureLength is 0 or > MaxSignatureLength)
            return Fail($"stub signature length {signatureLength} is outside 1..{MaxSignatureLength}", out error);
        if (!reader.TryReadBytes(signatureLength, out var signature))
            return Truncated(reader, out error);
        if (reader.Remaining != 0)
            return Fail($"stub has {reader.Remaining} unexpected bytes after its signature", out error);
        if (!owner.Verify(source[..signedLength], signature))
            return Fail($"stub for \"{name}\" has a bad signature: it was altered or damaged", out error);
        if (!Manifest.TryRead(manifestBytes, owner, out var manifest, out var manifestError))
            return Fail($"stub for \"{name}\" carries an unusable manifest: {manifestError}", out error);
        stub = new Stub(name, mode, DateTimeOffset.FromUnixTimeMilliseconds(modifiedMs), manifest);
        error = null;
        return true;
    }

    /// <summary>Reads a stub, throwing <see cref="StubException"/> with the reason.</summary>
    public static Stub Read(ReadOnlySpan<byte> source, IdentityPublicKey owner) =>
        TryRead(source, owner, out var stub, out var error) ? stub : throw new StubException(error);

    private static string? ValidateName(string name)
    {
        if (name.Length == 0)
            return "the name is empty";
        if (Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
            return $"the name is longer than {MaxNameBytes} bytes";
        if (name.Contains('\0', StringComparison.Ordinal))
            return "the name contains a NUL character";
        if (name.StartsWith('/') || name.Split('/').Any(part => part is "" or "." or ".."))
            return $"\"{name}\" is not a relative path of plain names";
        return null;
    }

    private static bool Truncated(FormatReader reader, out string error) => Fail($"stub truncated at byte {reader.Position}", out error);
}
