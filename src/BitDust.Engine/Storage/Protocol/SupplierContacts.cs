using System.Net;
using BitDust.Engine.Network.Identity;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>How to dial a supplier whose identity document is known: its first <c>tcp://host:port</c> contact and its key.</summary>
public static class SupplierContacts
{
    /// <summary>
    /// The contact to dial for <paramref name="document"/>, named as the supplier names itself
    /// (<see cref="IdentityDocument.PeerName"/>), or null when the document lists no usable <c>tcp://</c> contact.
    /// </summary>
    public static PeerContact? FromDocument(IdentityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var contact in document.Contacts)
        {
            if (TryParseTcp(contact, out var endPoint))
                return new PeerContact(document.PeerName, document.PublicKey, endPoint);
        }
        return null;
    }

    /// <summary>Reads <c>tcp://host:port</c>: an IPv4 or bracketed IPv6 address, or a host name resolved when dialed.</summary>
    public static bool TryParseTcp(string contact, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out EndPoint? endPoint)
    {
        endPoint = null;
        if (!Uri.TryCreate(contact, UriKind.Absolute, out var uri) || uri.Scheme != "tcp" || uri.Host.Length == 0 ||
            uri.Port is < 1 or > 65535 || uri.AbsolutePath is not ("" or "/") || uri.Query.Length > 0 || uri.UserInfo.Length > 0)
            return false;
        endPoint = uri.HostNameType switch
        {
            UriHostNameType.IPv4 or UriHostNameType.IPv6 => new IPEndPoint(IPAddress.Parse(uri.Host.Trim('[', ']')), uri.Port),
            UriHostNameType.Dns => new DnsEndPoint(uri.Host, uri.Port),
            _ => null,
        };
        return endPoint is not null;
    }
}
