using System.Globalization;
using System.Net;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Storage.Customer.Families;

/// <summary>
/// The supplier at one position of the family: fragment i of every block goes to position i. <see cref="Contact"/> is how it
/// was last reached (identity key and address, direct or through a router), kept so a restart does not have to look every
/// supplier up again.
/// </summary>
public sealed record FamilyMember(int Position, string Supplier, PeerContact? Contact, SupplierState State, long QuotaBytes,
    DateTimeOffset Hired, DateTimeOffset? LastSeen = null, DateTimeOffset? LastAudit = null, bool? AuditPassed = null)
{
    /// <summary>
    /// The contact whose <see cref="PeerContact.Address"/> the catalog keeps (<c>host:port</c> or <c>relay://host:port/router</c>),
    /// or null when <paramref name="address"/> is not one.
    /// </summary>
    public static PeerContact? ParseContact(string supplier, IdentityPublicKey key, string address)
    {
        if (address.StartsWith($"{RelayContact.Scheme}://", StringComparison.Ordinal))
        {
            return RelayContact.TryParse(address, out var router, out var routerName)
                ? new PeerContact(supplier, key, router, routerName)
                : null;
        }
        return ParseEndPoint(address) is { } endPoint ? new PeerContact(supplier, key, endPoint) : null;
    }

    private static EndPoint? ParseEndPoint(string text)
    {
        if (IPEndPoint.TryParse(text, out var ip) && ip.Port > 0)
            return ip;
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) &&
            port is > 0 and <= 65535
            ? new DnsEndPoint(text[..colon], port)
            : null;
    }
}
