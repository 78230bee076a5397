using System.Net;
using BitDust.Engine.Crypto;

namespace BitDust.Engine.Network.Transport;

/// <summary>How to reach a peer and whom to expect there, as its identity document says.</summary>
public sealed record PeerContact(string Identity, IdentityPublicKey PublicKey, EndPoint EndPoint);
