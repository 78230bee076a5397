using System.Diagnostics.CodeAnalysis;
using System.Text;
using BitDust.Engine.Common;
using BitDust.Engine.Network.Dht;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>
/// A customer's family record exactly as its owner signed it for the DHT (a BEP 44 mutable item under the salt
/// <see cref="Salt"/>, plus the large value it points to when the family is too big for one item), left with every supplier
/// as the meta blob <see cref="MetaName"/>. Suppliers put it back into the DHT before it expires, so the owner finds its
/// family again after months offline with nothing but its identity backup. Nobody but the owner can make or alter one: the
/// item is signed by the owner's DHT key, and the large value is named by its hash.
/// </summary>
/// <remarks>
/// Binary, big-endian: "BDFM", format version, public key (32), salt (u8 length + bytes), sequence (8), signature (64),
/// bencoded value (u16 length + bytes), large value (i32 length + bytes; 0 when none).
/// </remarks>
public sealed record FamilyMeta(DhtMutableItem Item, byte[]? LargeValue)
{
    public const string MetaName = "family";

    public const string Salt = "bitdust:family";

    public const byte FormatVersion = 1;

    private const int PublicKeySize = 32;
    private const int SignatureSize = 64;

    private static ReadOnlySpan<byte> Magic => "BDFM"u8;

    /// <summary>The most bytes an encoded record can take: bounded before anything is read.</summary>
    public static int MaxSize => Magic.Length + 1 + PublicKeySize + 1 + Bep44.MaxSaltLength + 8 + SignatureSize + 2 +
        Bep44.MaxValueLength + 4 + DhtLargeValue.MaxLength;

    public byte[] Encode()
    {
        var writer = new FormatWriter(256 + Item.EncodedValue.Length + (LargeValue?.Length ?? 0));
        writer.WriteBytes(Magic);
        writer.WriteByte(FormatVersion);
        writer.WriteBytes(Item.PublicKey);
        writer.WriteByte((byte)Item.Salt.Length);
        writer.WriteBytes(Item.Salt);
        writer.WriteInt64(Item.Sequence);
        writer.WriteBytes(Item.Signature);
        writer.WriteUInt16(Item.EncodedValue.Length);
        writer.WriteBytes(Item.EncodedValue);
        writer.WriteInt32(LargeValue?.Length ?? 0);
        writer.WriteBytes(LargeValue);
        return writer.ToArray();
    }

    /// <summary>
    /// Reads a record and checks what anyone can check: the family salt, a valid signature by the key it carries. False with
    /// the reason for anything else.
    /// </summary>
    public static bool TryDecode(ReadOnlySpan<byte> source, [NotNullWhen(true)] out FamilyMeta? meta,
        [NotNullWhen(false)] out string? error)
    {
        meta = null;
        if (source.Length > MaxSize)
            return Fail($"a family record is at most {MaxSize} bytes, not {source.Length}", out error);
        var reader = new FormatReader(source);
        if (!reader.TryReadBytes(Magic.Length, out var magic) || !magic.SequenceEqual(Magic))
            return Fail("not a BitDust family record (no BDFM header)", out error);
        if (!reader.TryReadByte(out var version))
            return Truncated(out error);
        if (version != FormatVersion)
            return Fail($"family record format {version} is not known (this program reads {FormatVersion})", out error);
        if (!reader.TryReadBytes(PublicKeySize, out var publicKey) || !reader.TryReadByte(out var saltLength) ||
            !reader.TryReadBytes(saltLength, out var salt) || !reader.TryReadInt64(out var sequence) ||
            !reader.TryReadBytes(SignatureSize, out var signature) || !reader.TryReadUInt16(out var valueLength))
            return Truncated(out error);
        if (!salt.SequenceEqual(Encoding.UTF8.GetBytes(Salt)))
            return Fail($"the record's salt is not \"{Salt}\"", out error);
        if (valueLength > Bep44.MaxValueLength)
            return Fail($"the record's value is {valueLength} bytes, over {Bep44.MaxValueLength}", out error);
        if (!reader.TryReadBytes(valueLength, out var value) || !reader.TryReadInt32(out var largeLength))
            return Truncated(out error);
        if (largeLength is < 0 or > DhtLargeValue.MaxLength)
            return Fail($"the record's large value is {largeLength} bytes, allowed 0 to {DhtLargeValue.MaxLength}", out error);
        if (!reader.TryReadBytes(largeLength, out var large))
            return Truncated(out error);
        if (reader.Remaining != 0)
            return Fail($"{reader.Remaining} bytes follow the family record", out error);
        var item = new DhtMutableItem(publicKey.ToArray(), salt.ToArray(), sequence, value.ToArray(), signature.ToArray());
        if (item.Value is null)
            return Fail("the record's value is not a bencoded byte string", out error);
        if (!item.HasValidSignature())
            return Fail("the record's signature does not match its key: it was altered", out error);
        meta = new FamilyMeta(item, largeLength == 0 ? null : large.ToArray());
        error = null;
        return true;
    }

    /// <summary>Null when <paramref name="source"/> is a readable, signed record, else why not.</summary>
    public static string? Validate(ReadOnlySpan<byte> source) => TryDecode(source, out _, out var error) ? null : error;

    /// <summary>Puts the record back into the DHT (its large value first), for an owner who may be offline.</summary>
    public async Task<int> RepublishAsync(DhtNode node, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (LargeValue is not null)
            await DhtLargeValue.PutAsync(node, LargeValue, cancellationToken, republish: false).ConfigureAwait(false);
        return (await node.RepublishMutableAsync(Item, cancellationToken).ConfigureAwait(false)).Copies;
    }

    private static bool Truncated(out string error) => Fail("the family record is truncated", out error);
}
