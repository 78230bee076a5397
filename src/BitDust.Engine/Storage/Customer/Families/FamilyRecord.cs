using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using BitDust.Engine.Coding;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Protocol;
using static BitDust.Engine.Common.ParseFailure;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// The family as the DHT holds it: a BEP 44 mutable item signed by the owner's DHT key under the salt <see cref="Salt"/>,
/// whose value names the supplier at each position, so a new machine with only the identity backup finds its suppliers.
/// Text, one line per position: "bitdust-family 1 N", then N identities ("-" for an empty position). A family too large
/// for one item (1000 bytes) is stored with <see cref="DhtLargeValue"/> and the item holds "bitdust-family-large 1 TARGET".
/// </summary>
public static class FamilyRecord
{
    public const string Salt = FamilyMeta.Salt;

    private const string Header = "bitdust-family 1 ";
    private const string LargeHeader = "bitdust-family-large 1 ";
    private const string Empty = "-";
    private const int MaxIdentityLength = 512;

    public static byte[] Encode(IReadOnlyList<string?> suppliers)
    {
        if (!ErasureScheme.SupplierCounts.Contains(suppliers.Count))
        {
            throw new ArgumentException($"A family has {string.Join(", ", ErasureScheme.SupplierCounts)} positions, not {suppliers.Count}.",
                nameof(suppliers));
        }
        var text = new StringBuilder(Header).Append(suppliers.Count.ToString(CultureInfo.InvariantCulture));
        foreach (var supplier in suppliers)
        {
            if (supplier is not null && ValidateIdentity(supplier) is { } problem)
                throw new ArgumentException(problem, nameof(suppliers));
            text.Append('\n').Append(supplier ?? Empty);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    /// <summary>Reads a family value; false with the reason for anything this program did not write.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> value, [NotNullWhen(true)] out IReadOnlyList<string?>? suppliers,
        [NotNullWhen(false)] out string? error)
    {
        suppliers = null;
        if (value.Length > DhtLargeValue.MaxLength)
            return Fail($"the family value is {value.Length} bytes, over {DhtLargeValue.MaxLength}", out error);
        var lines = Encoding.UTF8.GetString(value).Split('\n');
        if (!lines[0].StartsWith(Header, StringComparison.Ordinal) ||
            !int.TryParse(lines[0].AsSpan(Header.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            return Fail("not a BitDust family record", out error);
        if (!ErasureScheme.SupplierCounts.Contains(count) || lines.Length != count + 1)
            return Fail($"the family record names {lines.Length - 1} positions for a family of {count}", out error);
        var list = new string?[count];
        for (var i = 0; i < count; i++)
        {
            var line = lines[i + 1];
            if (line == Empty)
                continue;
            if (ValidateIdentity(line) is { } problem)
                return Fail($"position {i}: {problem}", out error);
            list[i] = line;
        }
        suppliers = list;
        error = null;
        return true;
    }

    /// <summary>
    /// Signs and stores the family in the DHT, numbered after the newest record the DHT holds; returns the signed record (what
    /// suppliers keep and put back) and how many nodes hold it.
    /// </summary>
    public static async Task<(FamilyMeta Record, int Copies)> PublishAsync(DhtNode node, DhtSigningKey ownerKey,
        IReadOnlyList<string?> suppliers, CancellationToken cancellationToken)
    {
        var value = Encode(suppliers);
        byte[]? large = null;
        if (Bencode.Encode(value).Length > Bep44.MaxValueLength)
        {
            large = value;
            var target = await DhtLargeValue.PutAsync(node, value, cancellationToken).ConfigureAwait(false);
            value = Encoding.UTF8.GetBytes(LargeHeader + target);
        }
        var salt = Encoding.UTF8.GetBytes(Salt);
        var newest = await node.GetMutableAsync(ownerKey.PublicKey, salt, cancellationToken).ConfigureAwait(false);
        var item = DhtMutableItem.Create(ownerKey, salt, (newest?.Sequence ?? 0) + 1, value);
        var stored = await node.PutMutableAsync(item, compareAndSwap: null, cancellationToken).ConfigureAwait(false);
        return (new FamilyMeta(item, large), stored.Copies);
    }

    /// <summary>The family the owner of <paramref name="ownerPublicKey"/> published, or null when the DHT has none.</summary>
    public static async Task<IReadOnlyList<string?>?> ReadAsync(DhtNode node, byte[] ownerPublicKey, CancellationToken cancellationToken)
    {
        var item = await node.GetMutableAsync(ownerPublicKey, Encoding.UTF8.GetBytes(Salt), cancellationToken).ConfigureAwait(false);
        if (item?.Value is not { } value)
            return null;
        var text = Encoding.UTF8.GetString(value);
        if (text.StartsWith(LargeHeader, StringComparison.Ordinal))
        {
            var target = text[LargeHeader.Length..];
            if (target.Length != 2 * NodeId.Length || !target.All(char.IsAsciiHexDigitLower))
                throw new InvalidDataException("The family record in the DHT points to a malformed large value.");
            value = await DhtLargeValue.GetAsync(node, NodeId.Parse(target), cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("The family record in the DHT points to a large value no node holds any more.");
        }
        return TryDecode(value, out var suppliers, out var error)
            ? suppliers
            : throw new InvalidDataException($"The family record in the DHT cannot be read: {error}.");
    }

    private static string? ValidateIdentity(string identity)
    {
        if (identity.Length is 0 or > MaxIdentityLength)
            return $"a supplier identity is 1 to {MaxIdentityLength} characters, not {identity.Length}";
        return identity.Any(c => c is <= ' ' or >= '\u007f') || identity == Empty
            ? "a supplier identity is printable ASCII without spaces"
            : null;
    }
}
