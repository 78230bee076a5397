using System.Globalization;
using System.Net;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// How to reach a peer and whom to expect there, as its identity document says. With a <paramref name="Router"/> the peer is
/// behind NAT: <paramref name="EndPoint"/> is that router's address, the router is asked for a tunnel to the peer's key, and
/// the same TLS handshake and key check as on a direct connection run end to end through it.
/// </summary>
/// <param name="Router">The router's user name, as the peer's <c>relay://</c> contact gives it; null for a direct contact.</param>
public sealed record PeerContact(string Identity, IdentityPublicKey PublicKey, EndPoint EndPoint, string? Router = null)
{
    /// <summary><c>host:port</c>, or <c>relay://host:port/router</c> through a router: for messages and for the catalog.</summary>
    public string Address => Router is null ? FormatEndPoint(EndPoint) : RelayAddress(EndPoint, Router);

    /// <summary>host:port, with a bracketed IPv6 address.</summary>
    public static string FormatEndPoint(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => $"{dns.Host}:{dns.Port.ToString(CultureInfo.InvariantCulture)}",
        _ => endPoint.ToString() ?? "",
    };

    /// <summary>The <c>relay://</c> contact of a node behind the router at <paramref name="router"/>.</summary>
    internal static string RelayAddress(EndPoint router, string routerName) => $"relay://{FormatEndPoint(router)}/{routerName}";
}
