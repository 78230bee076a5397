using System.Diagnostics.CodeAnalysis;
using System.Net;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// The contact a routed node publishes: <c>relay://ROUTER-HOST:PORT/ROUTER-NAME</c> — where to dial, and the router's user
/// name for messages. Who answers through it is decided by the key in the node's own identity document, never by the router.
/// </summary>
public static class RelayContact
{
    public const string Scheme = "relay";

    /// <summary><c>relay://host:port/name</c> for the router reached at <paramref name="router"/>.</summary>
    public static string Format(EndPoint router, string routerName)
    {
        ArgumentNullException.ThrowIfNull(router);
        if (Identity.IdentityName.Validate(routerName) is { } problem)
            throw new ArgumentException(problem, nameof(routerName));
        return PeerContact.RelayAddress(router, routerName);
    }

    /// <summary>
    /// Reads <c>relay://host:port/name</c>: an IPv4 or bracketed IPv6 address or a host name, a port, and a valid user name;
    /// nothing else (no user info, query or deeper path).
    /// </summary>
    public static bool TryParse(string contact, [NotNullWhen(true)] out EndPoint? router, [NotNullWhen(true)] out string? routerName)
    {
        (router, routerName) = (null, null);
        if (!Uri.TryCreate(contact, UriKind.Absolute, out var uri) || uri.Scheme != Scheme || uri.Host.Length == 0 ||
            uri.Port is < 1 or > 65535 || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            return false;
        var name = uri.AbsolutePath.StartsWith('/') ? uri.AbsolutePath[1..] : uri.AbsolutePath;
        if (Identity.IdentityName.Validate(name) is not null)
            return false;
        router = TcpContact.EndPointOf(uri);
        routerName = router is null ? null : name;
        return router is not null;
    }
}
