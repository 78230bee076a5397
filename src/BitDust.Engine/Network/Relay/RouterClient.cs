using System.Net;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// A node's side of the control messages with one router, over the node's ordinary connections. A router's "no" is a
/// <see cref="PeerRequestException"/> with its reason; an answer that does not parse is a <see cref="TransportProtocolException"/>.
/// </summary>
public sealed class RouterClient(PeerConnector connector, RouterCandidate router)
{
    public RouterCandidate Router => router;

    /// <summary>
    /// Who the node at <paramref name="endPoint"/> is, as a router candidate: the identity it proves in a handshake and the user
    /// name in it. Null for this node itself, and for a node whose identity names no user.
    /// </summary>
    public static async Task<RouterCandidate?> IdentifyAsync(
        PeerConnector connector, EndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connector);
        var (identity, key) = await connector.IdentifyAsync(endPoint, cancellationToken).ConfigureAwait(false);
        if (key.Equals(connector.PublicKey))
            return null;
        var name = Uri.TryCreate(identity, UriKind.Absolute, out var url) && IdentityUrls.TryGetName(url, out var fromUrl, out _)
            ? fromUrl
            : Identity.IdentityName.Validate(identity) is null ? identity : null;
        return name is null ? null : new RouterCandidate(name, new PeerContact(identity, key, endPoint));
    }

    /// <summary>The connection to the router (dialed if there is none): a route lives on the connection it was registered on.</summary>
    public ValueTask<PeerConnection> ConnectAsync(CancellationToken cancellationToken) =>
        connector.ConnectAsync(router.Contact, cancellationToken);

    /// <summary>
    /// Registers this node with the router on <paramref name="connection"/> (again, after the router dropped an idle route);
    /// returns how long the router keeps the route without a <see cref="KeepAsync"/>.
    /// </summary>
    public async Task<TimeSpan> RegisterAsync(PeerConnection connection, RelayFlags flags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var answer = await connection.SendRequestAsync(RelayMessages.Register, RelayMessages.EncodeRegister(flags), cancellationToken)
            .ConfigureAwait(false);
        return RelayMessages.TryReadRegistered(answer, out var idleTimeout, out var error)
            ? idleTimeout
            : throw Malformed(RelayMessages.Register, error);
    }

    /// <summary>Tells the router the route on <paramref name="connection"/> is still wanted.</summary>
    public async Task KeepAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var answer = await connection.SendRequestAsync(RelayMessages.Keep, RelayMessages.Empty(), cancellationToken).ConfigureAwait(false);
        if (!RelayMessages.TryReadEmpty(answer, "relay keep answer", out var error))
            throw Malformed(RelayMessages.Keep, error);
    }

    /// <summary>Asks the router to dial <paramref name="contact"/> and say whether this node's key answers there.</summary>
    public async Task<RelayProbeResult> ProbeAsync(string contact, CancellationToken cancellationToken)
    {
        var answer = await connector.SendRequestAsync(router.Contact, RelayMessages.Probe, RelayMessages.EncodeProbe(contact),
            cancellationToken).ConfigureAwait(false);
        return RelayMessages.TryReadProbeResult(answer, out var result, out var error)
            ? result
            : throw Malformed(RelayMessages.Probe, error);
    }

    /// <summary>The identities of the suppliers the router routes.</summary>
    public async Task<IReadOnlyList<string>> ListSuppliersAsync(CancellationToken cancellationToken)
    {
        var answer = await connector.SendRequestAsync(router.Contact, RelayMessages.List, RelayMessages.Empty(), cancellationToken)
            .ConfigureAwait(false);
        return RelayMessages.TryReadList(answer, out var identities, out var error)
            ? identities
            : throw Malformed(RelayMessages.List, error);
    }

    private TransportProtocolException Malformed(string kind, string error) => new($"{router} answered {kind} badly: {error}");
}
