using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

/// <summary>A router as found: its user name and how to dial it, with the key it proved in a handshake.</summary>
public sealed record RouterCandidate(string Name, PeerContact Contact)
{
    /// <summary>The contact a node routed by this router publishes: <c>relay://host:port/name</c>.</summary>
    public string RelayContact => Relay.RelayContact.Format(Contact.EndPoint, Name);

    public override string ToString() => $"router {Name} at {PeerContact.FormatEndPoint(Contact.EndPoint)}";
}
