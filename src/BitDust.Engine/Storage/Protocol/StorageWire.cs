using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Common;
using BitDust.Engine.Pipeline;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>
/// The storage protocol between a customer and a supplier: one request per message kind over the node's TLS connections,
/// every body (request and answer) a version byte then big-endian fields, every length bounded before anything is
/// allocated. A supplier says no with a request error whose text is the reason.
/// </summary>
internal static class StorageWire
{
    public const byte Version = 1;

    public const string SpaceOffer = "space.offer";
    public const string SpaceRequest = "space.request";
    public const string SpaceRelease = "space.release";
    public const string FragmentPut = "fragment.put";
    public const string FragmentGet = "fragment.get";
    public const string FragmentList = "fragment.list";
    public const string FragmentDelete = "fragment.delete";
    public const string FragmentAudit = "fragment.audit";
    public const string MetaPut = "meta.put";
    public const string MetaGet = "meta.get";
    public const string Ping = "ping";

    public static IReadOnlyList<string> Kinds { get; } =
    [
        SpaceOffer, SpaceRequest, SpaceRelease, FragmentPut, FragmentGet, FragmentList, FragmentDelete, FragmentAudit, MetaPut, MetaGet,
        Ping,
    ];

    /// <summary>The largest fragment one request carries: header and a whole 4 MiB block sealed (k = 1), with rounding room.</summary>
    public const int MaxFragmentLength = FragmentHeader.Size + PipelineLimits.DefaultBlockSize + PipelineLimits.MaxSealOverhead + 64;

    /// <summary>A quota beyond any disk (1 EiB), so sums of quotas never overflow.</summary>
    public const long MaxQuota = 1L << 60;

    public const int MinNonceLength = 16;
    public const int MaxNonceLength = 64;
    public const int HashLength = 32;

    /// <summary>Entries in one page of a fragment list: 4096 × 72 bytes, far under the frame limit.</summary>
    public const int ListPageSize = 4096;

    public const int MaxMetaLength = 1 << 20;

    /// <summary>A body that is only the version byte: offer and release requests, ping, and empty answers.</summary>
    public static byte[] Empty() => [Version];

    public static FormatWriter Begin(int capacity = 64)
    {
        var writer = new FormatWriter(capacity);
        writer.WriteByte(Version);
        return writer;
    }

    public static bool TryReadEmpty(ReadOnlySpan<byte> source, string what, [NotNullWhen(false)] out string? error)
    {
        var reader = new FormatReader(source);
        return TryBegin(ref reader, what, out error) && TryEnd(reader, what, out error);
    }

    public static bool TryBegin(ref FormatReader reader, string what, [NotNullWhen(false)] out string? error)
    {
        if (!reader.TryReadByte(out var version))
            return Fail($"{what}: empty body", out error);
        if (version != Version)
            return Fail($"{what}: protocol version {version}, this node speaks {Version}", out error);
        error = null;
        return true;
    }

    public static bool TryEnd(in FormatReader reader, string what, [NotNullWhen(false)] out string? error)
    {
        if (reader.Remaining != 0)
            return Fail($"{what}: {reader.Remaining} bytes after the end", out error);
        error = null;
        return true;
    }

    public static bool Truncated(string what, out string error) => Fail($"{what}: truncated", out error);
}
