using BitDust.Engine.Identity;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>How to dial a node whose identity document is known: a contact from its list, and its key.</summary>
public static class SupplierContacts
{
    /// <summary>
    /// The contact to dial for <paramref name="document"/>, named as the node names itself (<see cref="IdentityDocument.PeerName"/>):
    /// its first <c>tcp://host:port</c> contact in the document's order, else its first <c>relay://router-host:port/router</c>
    /// one; null when it lists neither. A direct contact comes first because it costs no router a byte.
    /// </summary>
    public static PeerContact? FromDocument(IdentityDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var contact in document.Contacts)
        {
            if (TcpContact.TryParse(contact, out var endPoint))
                return new PeerContact(document.PeerName, document.PublicKey, endPoint);
        }
        foreach (var contact in document.Contacts)
        {
            if (RelayContact.TryParse(contact, out var router, out var routerName))
                return new PeerContact(document.PeerName, document.PublicKey, router, routerName);
        }
        return null;
    }
}
