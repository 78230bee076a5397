using BitDust.Engine.Crypto;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// Finds the key a peer must present: the public key of its identity document.
/// The accepting side asks it for the identity the dialer names in its hello.
/// </summary>
public interface IIdentityResolver
{
    /// <summary>The key of <paramref name="identity"/> (a name or identity URL), or null when no document is known.</summary>
    ValueTask<IdentityPublicKey?> ResolveAsync(string identity, CancellationToken cancellationToken);
}
