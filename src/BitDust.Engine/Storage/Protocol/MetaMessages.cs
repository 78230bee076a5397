using System.Diagnostics.CodeAnalysis;
using System.Text;
using BitDust.Engine.Common;
using static BitDust.Engine.Common.ParseFailure;
using static BitDust.Engine.Storage.Protocol.StorageWire;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>A named blob to keep: its name and bytes.</summary>
internal readonly record struct MetaPut(string Name, ReadOnlyMemory<byte> Value);

/// <summary>
/// Small named blobs a customer keeps on its suppliers (its catalog backup, for one): <c>meta.put</c> name, length, bytes →
/// (empty); <c>meta.get</c> name → found flag, length, bytes. A name is 1 to 255 bytes of UTF-8 without control characters.
/// </summary>
internal static class MetaMessages
{
    public const int MaxNameLength = 255;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Null when <paramref name="name"/> can name a blob, otherwise why not.</summary>
    public static string? ValidateName(string name)
    {
        var length = Encoding.UTF8.GetByteCount(name);
        if (length is 0 or > MaxNameLength)
            return $"a meta name is 1 to {MaxNameLength} bytes of UTF-8, not {length}";
        return name.Any(char.IsControl) ? "a meta name has no control characters" : null;
    }

    public static byte[] EncodePut(string name, ReadOnlySpan<byte> value)
    {
        var writer = Begin(1 + 1 + MaxNameLength + 4 + value.Length);
        WriteName(writer, name);
        writer.WriteInt32(value.Length);
        writer.WriteBytes(value);
        return writer.ToArray();
    }

    /// <summary>Splits a put; the value is a slice of <paramref name="source"/>, not a copy.</summary>
    public static bool TryReadPut(ReadOnlyMemory<byte> source, out MetaPut put, [NotNullWhen(false)] out string? error)
    {
        put = default;
        var reader = new FormatReader(source.Span);
        if (!TryBegin(ref reader, "meta put", out error) || !TryReadName(ref reader, "meta put", out var name, out error))
            return false;
        if (!reader.TryReadInt32(out var length))
            return Truncated("meta put", out error);
        if (length is < 0 or > MaxMetaLength)
            return Fail($"meta put: a value of {length} bytes, allowed 0 to {MaxMetaLength}", out error);
        var start = reader.Position;
        if (!reader.TryReadBytes(length, out _))
            return Truncated("meta put", out error);
        if (!TryEnd(reader, "meta put", out error))
            return false;
        put = new MetaPut(name, source.Slice(start, length));
        return true;
    }

    public static byte[] EncodeGet(string name)
    {
        var writer = Begin();
        WriteName(writer, name);
        return writer.ToArray();
    }

    public static bool TryReadGet(ReadOnlySpan<byte> source, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        var reader = new FormatReader(source);
        return TryBegin(ref reader, "meta get", out error) && TryReadName(ref reader, "meta get", out name, out error) &&
               TryEnd(reader, "meta get", out error);
    }

    private static void WriteName(FormatWriter writer, string name)
    {
        if (ValidateName(name) is { } problem)
            throw new ArgumentException($"Meta name \"{name}\" cannot be used: {problem}.", nameof(name));
        var bytes = Encoding.UTF8.GetBytes(name);
        writer.WriteByte((byte)bytes.Length);
        writer.WriteBytes(bytes);
    }

    private static bool TryReadName(
        ref FormatReader reader, string what, [NotNullWhen(true)] out string? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        if (!reader.TryReadByte(out var length) || !reader.TryReadBytes(length, out var bytes))
            return Truncated(what, out error);
        try
        {
            name = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Fail($"{what}: the name is not UTF-8", out error);
        }
        if (ValidateName(name) is { } problem)
        {
            name = null;
            return Fail($"{what}: {problem}", out error);
        }
        error = null;
        return true;
    }
}
