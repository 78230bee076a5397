using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Common;
using static BitDust.Engine.Common.ParseFailure;
using static BitDust.Engine.Storage.Protocol.StorageWire;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>
/// Contracts: <c>space.offer</c> (empty) → donated, free; <c>space.request</c> quota → quota, used; <c>space.release</c>
/// (empty) → (empty). Sizes are signed 64-bit, 0 to <see cref="StorageWire.MaxQuota"/>.
/// </summary>
internal static class SpaceMessages
{
    public static byte[] EncodeOffer(SpaceOffer offer)
    {
        var writer = Begin();
        writer.WriteInt64(offer.DonatedBytes);
        writer.WriteInt64(offer.FreeBytes);
        return writer.ToArray();
    }

    public static bool TryReadOffer(
        ReadOnlySpan<byte> source, [NotNullWhen(true)] out SpaceOffer? offer, [NotNullWhen(false)] out string? error)
    {
        offer = null;
        if (!TryReadPair(source, "space offer", out var donated, out var free, out error))
            return false;
        offer = new SpaceOffer(donated, free);
        return true;
    }

    public static byte[] EncodeRequest(long quotaBytes)
    {
        var writer = Begin();
        writer.WriteInt64(quotaBytes);
        return writer.ToArray();
    }

    public static bool TryReadRequest(ReadOnlySpan<byte> source, out long quotaBytes, [NotNullWhen(false)] out string? error)
    {
        quotaBytes = 0;
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, "space request", out error))
            return false;
        if (!reader.TryReadInt64(out var quota))
            return Truncated("space request", out error);
        if (quota is < 0 or > MaxQuota)
            return Fail($"space request: quota {quota} is outside 0..{MaxQuota}", out error);
        if (!TryEnd(reader, "space request", out error))
            return false;
        quotaBytes = quota;
        return true;
    }

    public static byte[] EncodeGrant(SpaceGrant grant)
    {
        var writer = Begin();
        writer.WriteInt64(grant.QuotaBytes);
        writer.WriteInt64(grant.UsedBytes);
        return writer.ToArray();
    }

    public static bool TryReadGrant(
        ReadOnlySpan<byte> source, [NotNullWhen(true)] out SpaceGrant? grant, [NotNullWhen(false)] out string? error)
    {
        grant = null;
        if (!TryReadPair(source, "space grant", out var quota, out var used, out error))
            return false;
        grant = new SpaceGrant(quota, used);
        return true;
    }

    private static bool TryReadPair(
        ReadOnlySpan<byte> source, string what, out long first, out long second, [NotNullWhen(false)] out string? error)
    {
        (first, second) = (0, 0);
        var reader = new FormatReader(source);
        if (!TryBegin(ref reader, what, out error))
            return false;
        if (!reader.TryReadInt64(out var a) || !reader.TryReadInt64(out var b))
            return Truncated(what, out error);
        if (a is < 0 or > MaxQuota || b is < 0 or > MaxQuota)
            return Fail($"{what}: sizes {a} and {b} are outside 0..{MaxQuota}", out error);
        if (!TryEnd(reader, what, out error))
            return false;
        (first, second) = (a, b);
        return true;
    }
}
