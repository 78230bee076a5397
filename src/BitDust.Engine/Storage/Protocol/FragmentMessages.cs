using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using static BitDust.Engine.Common.ParseFailure;
using static BitDust.Engine.Storage.Protocol.StorageWire;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>A fragment to store: its key and its bytes (64-byte header, then payload).</summary>
internal readonly record struct FragmentPut(FragmentKey Key, ReadOnlyMemory<byte> Fragment);

/// <summary>Which fragments to list: all, or one file version's; and where the previous page ended.</summary>
internal readonly record struct FragmentListQuery(FileVersion? File, FragmentKey? After);

/// <summary>One page of a listing, in key order; <see cref="More"/> says another page follows the last key.</summary>
internal sealed record FragmentPage(IReadOnlyList<StoredFragment> Fragments, bool More);

/// <summary>An audit: prove holding <see cref="Key"/> by hashing <see cref="Nonce"/> and the stored bytes.</summary>
internal sealed record FragmentAudit(FragmentKey Key, byte[] Nonce);

/// <summary>
/// Fragments: <c>fragment.put</c> key, length, bytes → SHA-256; <c>fragment.get</c> key → found flag, length, bytes;
/// <c>fragment.list</c> flags, [file], [after] → more flag, count, entries; <c>fragment.delete</c> file → count;
/// <c>fragment.audit</c> key, nonce → SHA-256(nonce ‖ bytes).
/// </summary>
internal static class FragmentMessages
{
    private const byte ListHasFile = 1;
    private const byte ListHasAfter = 2;
    private const int ListEntrySize = FragmentKey.Size + 4 + HashLength;
    private const int PutPrefix = 1 + FragmentKey.Size + 4;
    private const int MaybePrefix = 1 + 1 + 4;

    public static byte[] EncodePut(FragmentKey key, ReadOnlySpan<byte> fragment)
    {
        // Written in place rather than through a FormatWriter: a fragment is megabytes, and one copy of it is enough.
        var body = new byte[PutPrefix + fragment.Length];
        body[0] = StorageWire.Version;
        key.WriteTo(body.AsSpan(1));
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(1 + FragmentKey.Size), fragment.Length);
        fragment.CopyTo(body.AsSpan(PutPrefix));
        return body;
    }

    /// <summary>Splits a put; the fragment is a slice of <paramref name="source"/>, not a copy.</summary>
    public static bool TryReadPut(ReadOnlyMemory<byte> source, out FragmentPut put, [NotNullWhen(false)] out string? error)
    {
        put = default;
        var reader = new FormatReader(source.Span);
        if (!TryBegin(ref reader, "fragment put", out error) || !TryReadKey(ref reader, "fragment put", out var key, out error))
            return false;
        if (!reader.TryReadInt32(out var length))
            return Truncated("fragment put", out error);
        if (length is < FragmentHeader.Size or > MaxFragmentLength)
            return Fail($"fragment put: a fragment of {length} bytes, allowed {FragmentHeader.Size} to {MaxFragmentLength}", out error);
        var start = reader.Position;
        if (!reader.TryReadBytes(length, out _))
            return Truncated("fragment put", out error);
        if (!TryEnd(reader, "fragment put", out error))
            return false;
        put = new FragmentPut(key, source.Slice(start, length));
        return true;
    }

    public static byte[] EncodeKey(FragmentKey key)
    {
        var writer = Begin();
        WriteKey(writer, key);
        return writer.ToArray();
    }

    public static bool TryReadKey(ReadOnlySpan<byte> source, out FragmentKey key, [NotNullWhen(false)] out string? error)
    {
        key = default;
        var reader = new FormatReader(source);
        return TryBegin(ref reader, "fragment key", out error) && TryReadKey(ref reader, "fragment key", out key, out error) &&
               TryEnd(reader, "fragment key", out error);
    }

    /// <summary>An answer that may hold bytes: a get of a fragment or of a meta blob; null is "not held".</summary>
    public static byte[] EncodeMaybe(byte[]? value)
    {
        var length = value?.Length ?? 0;
        var body = new byte[MaybePrefix + length];
        body[0] = StorageWire.Version;
        body[1] = value is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteInt32BigEndian(body.AsSpan(2), length);
        value?.CopyTo(body.AsSpan(MaybePrefix));
        return body;
    }

    public static bool TryReadMaybe(
        ReadOnlySpan<byte> source, int maxLength, string what, out byte[]? value, [NotNullWhen(false)] out string? error)
    {
        value = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, what, out error))
            return false;
        if (!reader.TryReadByte(out var found) || !reader.TryReadInt32(out var length))
            return Truncated(what, out error);
        if (found > 1 || (found == 0 && length != 0))
            return Fail($"{what}: found flag {found} with {length} bytes", out error);
        if (length < 0 || length > maxLength)
            return Fail($"{what}: {length} bytes, allowed 0 to {maxLength}", out error);
        if (!reader.TryReadBytes(length, out var bytes))
            return Truncated(what, out error);
        if (!TryEnd(reader, what, out error))
            return false;
        value = found == 1 ? bytes.ToArray() : null;
        return true;
    }

    public static byte[] EncodeListQuery(FragmentListQuery query)
    {
        var writer = Begin();
        writer.WriteByte((byte)((query.File is null ? 0 : ListHasFile) | (query.After is null ? 0 : ListHasAfter)));
        if (query.File is { } file)
            writer.WriteBytes(file.ToBytes());
        if (query.After is { } after)
            WriteKey(writer, after);
        return writer.ToArray();
    }

    public static bool TryReadListQuery(ReadOnlySpan<byte> source, out FragmentListQuery query, [NotNullWhen(false)] out string? error)
    {
        query = default;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "fragment list", out error))
            return false;
        if (!reader.TryReadByte(out var flags))
            return Truncated("fragment list", out error);
        if ((flags & ~(ListHasFile | ListHasAfter)) != 0)
            return Fail($"fragment list: unknown flags 0x{flags:x2}", out error);
        FileVersion? file = null;
        FragmentKey? after = null;
        if ((flags & ListHasFile) != 0)
        {
            if (!TryReadFile(ref reader, "fragment list", out var version, out error))
                return false;
            file = version;
        }
        if ((flags & ListHasAfter) != 0)
        {
            if (!TryReadKey(ref reader, "fragment list", out var key, out error))
                return false;
            after = key;
        }
        if (!TryEnd(reader, "fragment list", out error))
            return false;
        query = new FragmentListQuery(file, after);
        return true;
    }

    public static byte[] EncodePage(FragmentPage page)
    {
        var writer = Begin(1 + 1 + 4 + page.Fragments.Count * ListEntrySize);
        writer.WriteByte(page.More ? (byte)1 : (byte)0);
        writer.WriteInt32(page.Fragments.Count);
        foreach (var fragment in page.Fragments)
        {
            WriteKey(writer, fragment.Key);
            writer.WriteInt32(fragment.Length);
            writer.WriteBytes(fragment.Hash);
        }
        return writer.ToArray();
    }

    public static bool TryReadPage(
        ReadOnlySpan<byte> source, [NotNullWhen(true)] out FragmentPage? page, [NotNullWhen(false)] out string? error)
    {
        page = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "fragment page", out error))
            return false;
        if (!reader.TryReadByte(out var more) || !reader.TryReadInt32(out var count))
            return Truncated("fragment page", out error);
        if (more > 1)
            return Fail($"fragment page: more flag {more}", out error);
        if (count < 0 || count > ListPageSize)
            return Fail($"fragment page: {count} entries, allowed 0 to {ListPageSize}", out error);
        if (reader.Remaining != count * ListEntrySize)
            return Fail($"fragment page: {count} entries in {reader.Remaining} bytes", out error);
        var fragments = new StoredFragment[count];
        for (var i = 0; i < count; i++)
        {
            if (!TryReadKey(ref reader, "fragment page", out var key, out error))
                return false;
            reader.TryReadInt32(out var length);
            reader.TryReadBytes(HashLength, out var hash);
            if (length is < FragmentHeader.Size or > MaxFragmentLength)
                return Fail($"fragment page: {key} has a length of {length}", out error);
            fragments[i] = new StoredFragment(key, length, hash.ToArray());
        }
        page = new FragmentPage(fragments, more == 1);
        return true;
    }

    public static byte[] EncodeFile(FileVersion file)
    {
        var writer = Begin();
        writer.WriteBytes(file.ToBytes());
        return writer.ToArray();
    }

    public static bool TryReadFile(ReadOnlySpan<byte> source, out FileVersion file, [NotNullWhen(false)] out string? error)
    {
        file = default;
        var reader = new FormatReader(source);
        return TryBegin(ref reader, "fragment delete", out error) && TryReadFile(ref reader, "fragment delete", out file, out error) &&
               TryEnd(reader, "fragment delete", out error);
    }

    public static byte[] EncodeCount(int count)
    {
        var writer = Begin();
        writer.WriteInt32(count);
        return writer.ToArray();
    }

    public static bool TryReadCount(ReadOnlySpan<byte> source, out int count, [NotNullWhen(false)] out string? error)
    {
        count = 0;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "count", out error))
            return false;
        if (!reader.TryReadInt32(out var value))
            return Truncated("count", out error);
        if (value < 0)
            return Fail($"count: {value} is negative", out error);
        if (!TryEnd(reader, "count", out error))
            return false;
        count = value;
        return true;
    }

    public static byte[] EncodeAudit(FragmentKey key, ReadOnlySpan<byte> nonce)
    {
        var writer = Begin();
        WriteKey(writer, key);
        writer.WriteByte(checked((byte)nonce.Length));
        writer.WriteBytes(nonce);
        return writer.ToArray();
    }

    public static bool TryReadAudit(
        ReadOnlySpan<byte> source, [NotNullWhen(true)] out FragmentAudit? audit, [NotNullWhen(false)] out string? error)
    {
        audit = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "fragment audit", out error) || !TryReadKey(ref reader, "fragment audit", out var key, out error))
            return false;
        if (!reader.TryReadByte(out var length))
            return Truncated("fragment audit", out error);
        if (length is < MinNonceLength or > MaxNonceLength)
            return Fail($"fragment audit: a nonce of {length} bytes, allowed {MinNonceLength} to {MaxNonceLength}", out error);
        if (!reader.TryReadBytes(length, out var nonce))
            return Truncated("fragment audit", out error);
        if (!TryEnd(reader, "fragment audit", out error))
            return false;
        audit = new FragmentAudit(key, nonce.ToArray());
        return true;
    }

    public static byte[] EncodeHash(ReadOnlySpan<byte> hash)
    {
        var writer = Begin();
        writer.WriteBytes(hash);
        return writer.ToArray();
    }

    public static bool TryReadHash(ReadOnlySpan<byte> source, [NotNullWhen(true)] out byte[]? hash, [NotNullWhen(false)] out string? error)
    {
        hash = null;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "hash", out error))
            return false;
        if (!reader.TryReadBytes(HashLength, out var bytes))
            return Truncated("hash", out error);
        if (!TryEnd(reader, "hash", out error))
            return false;
        hash = bytes.ToArray();
        return true;
    }

    private static void WriteKey(FormatWriter writer, FragmentKey key)
    {
        Span<byte> bytes = stackalloc byte[FragmentKey.Size];
        key.WriteTo(bytes);
        writer.WriteBytes(bytes);
    }

    private static bool TryReadKey(ref FormatReader reader, string what, out FragmentKey key, [NotNullWhen(false)] out string? error)
    {
        key = default;
        if (!reader.TryReadBytes(FragmentKey.Size, out var bytes))
            return Truncated(what, out error);
        if (!FragmentKey.TryRead(bytes, out key, out var keyError))
            return Fail($"{what}: {keyError}", out error);
        error = null;
        return true;
    }

    private static bool TryReadFile(ref FormatReader reader, string what, out FileVersion file, [NotNullWhen(false)] out string? error)
    {
        file = default;
        if (!reader.TryReadBytes(FileVersion.Size, out var bytes))
            return Truncated(what, out error);
        file = FileVersion.ReadFrom(bytes);
        if (file.Version < 1)
            return Fail($"{what}: file version {file.Version} is not 1 or more", out error);
        error = null;
        return true;
    }
}
