using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Identity;

/// <summary>
/// What <c>bitdust identity backup</c> writes: the public identity document (so an empty machine knows the name and the
/// identity servers to ask) and the passphrase-protected key backup. Only the keys are secret, and they are sealed.
/// </summary>
/// <remarks>Format: the line "BitDust identity backup\n", format version (1), document (u16 length + bytes), key backup (u16 length + bytes).</remarks>
public static class IdentityBackupFile
{
    public const byte FormatVersion = 1;
    public const int MaxSize = 32 + IdentityDocument.MaxSize + KeyBackup.MaxFileSize;

    public static ReadOnlySpan<byte> Magic => "BitDust identity backup\n"u8;

    public static byte[] Create(IdentityDocument document, ReadOnlySpan<byte> keyBackup)
    {
        var writer = new FormatWriter(64 + document.Encoded.Length + keyBackup.Length);
        writer.WriteBytes(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteUInt16(document.Encoded.Length);
        writer.WriteBytes(document.Encoded.Span);
        writer.WriteUInt16(keyBackup.Length);
        writer.WriteBytes(keyBackup);
        return writer.ToArray();
    }

    /// <summary>Splits a backup file into its document and its sealed keys; on failure says what is wrong.</summary>
    public static bool TryRead(ReadOnlySpan<byte> source, [NotNullWhen(true)] out IdentityDocument? document, out byte[] keyBackup,
        [NotNullWhen(false)] out string? error)
    {
        document = null;
        keyBackup = [];
        if (source.Length > MaxSize)
            return Fail($"the file is {source.Length} bytes, over the {MaxSize} a key backup can be", out error);
        var reader = new FormatReader(source);
        if (!reader.TryReadBytes(Magic.Length, out var magic) || !magic.SequenceEqual(Magic))
            return Fail("not a BitDust identity backup (it does not start with \"BitDust identity backup\")", out error);
        if (!reader.TryReadByte(out var version) || !reader.TryReadUInt16(out var documentLength))
            return Fail($"truncated at byte {reader.Position}", out error);
        if (version != FormatVersion)
            return Fail($"backup format version {version} is not supported (this program reads {FormatVersion})", out error);
        if (documentLength is 0 or > IdentityDocument.MaxSize)
            return Fail($"identity document length {documentLength} is outside 1..{IdentityDocument.MaxSize}", out error);
        if (!reader.TryReadBytes(documentLength, out var documentBytes) || !reader.TryReadUInt16(out var keyLength) ||
            !reader.TryReadBytes(keyLength, out var keys))
            return Fail($"truncated at byte {reader.Position}", out error);
        if (reader.Remaining != 0)
            return Fail($"{reader.Remaining} unexpected bytes at the end", out error);
        if (!IdentityDocument.TryParse(documentBytes, out document, out var documentError))
            return Fail($"the identity document in it is unusable: {documentError}", out error);
        keyBackup = keys.ToArray();
        error = null;
        return true;
    }
}
