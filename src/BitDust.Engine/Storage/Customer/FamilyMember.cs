using System.Globalization;
using System.Net;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// The supplier at one position of the family: fragment i of every block goes to position i. <see cref="Contact"/> is how it
/// was last reached (identity key and address), kept so a restart does not have to look every supplier up again.
/// </summary>
public sealed record FamilyMember(int Position, string Supplier, PeerContact? Contact, SupplierState State, long QuotaBytes,
    DateTimeOffset Hired, DateTimeOffset? LastSeen = null, DateTimeOffset? LastAudit = null, bool? AuditPassed = null)
{
    /// <summary>host:port, the form <see cref="ParseEndPoint"/> reads back.</summary>
    public static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? "",
    };

    public static EndPoint? ParseEndPoint(string text)
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
