using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace BitDust.Engine.Network.Transport;

/// <summary>The direct contact of an identity, <c>tcp://host:port</c>.</summary>
public static class TcpContact
{
    /// <summary>Reads <c>tcp://host:port</c>: an IPv4 or bracketed IPv6 address, or a host name resolved when dialed.</summary>
    public static bool TryParse(string contact, [NotNullWhen(true)] out EndPoint? endPoint)
    {
        endPoint = null;
        if (!Uri.TryCreate(contact, UriKind.Absolute, out var uri) || uri.Scheme != "tcp" || uri.Host.Length == 0 ||
            uri.Port is < 1 or > 65535 || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            return false;
        endPoint = EndPointOf(uri);
        return endPoint is not null;
    }

    /// <summary>The host and port of a contact URI, or null when its host is neither an address nor a DNS name.</summary>
    internal static EndPoint? EndPointOf(Uri uri) => uri.HostNameType switch
    {
        UriHostNameType.IPv4 or UriHostNameType.IPv6 => new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port),
        UriHostNameType.Dns => new DnsEndPoint(uri.Host, uri.Port),
        _ => null,
    };
}
