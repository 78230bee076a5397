using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Crypto;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Relay;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>
/// A supplier found in the DHT (or through a router found there): how to reach it, its verified identity document, and what it
/// offers.
/// </summary>
public sealed record SupplierCandidate(PeerContact Contact, IdentityDocument Identity, SpaceOffer Offer);

/// <summary>
/// Finds suppliers: the addresses announced under the network's supplier info-hash in the DHT are untrusted, so each is
/// asked who it is (<see cref="PeerConnection.IdentifyAsync"/>), the name it claims is resolved to its signed identity
/// document, and only a node that proved the document's key counts. It is then dialed at the contact its document lists
/// and asked for its offer. A supplier behind NAT is announced at an address nobody can dial, so the routers announced in
/// the DHT are asked whom they route (<c>relay.list</c>), and those are dialed through their router, where the same key
/// check runs end to end. Nodes that do not answer, lie about who they are, or refuse are skipped, with a log line.
/// </summary>
public sealed partial class SupplierDirectory(
    DhtNode dht, PeerConnector connector, Func<string, CancellationToken, Task<IdentityDocument?>> resolve, ILogger? logger = null)
{
    /// <summary>Addresses probed at once.</summary>
    public const int ParallelProbes = 8;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// Every supplier of the default network that answers with an offer, except this node and those in
    /// <paramref name="exclude"/> (identity names or identity URLs), most free space first; one per key, however it was found.
    /// </summary>
    public async Task<IReadOnlyList<SupplierCandidate>> FindAsync(IReadOnlySet<string> exclude, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exclude);
        var endPoints = await dht.GetPeersAsync(DhtInfoHash.Suppliers(DhtInfoHash.DefaultNetwork), cancellationToken).ConfigureAwait(false);
        var found = new ConcurrentDictionary<string, SupplierCandidate>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelProbes, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(endPoints, parallel, async (endPoint, token) =>
        {
            // One supplier may be announced at several addresses; its key says it is one.
            if (await ProbeAsync(endPoint, exclude, token).ConfigureAwait(false) is { } candidate)
                found.TryAdd(candidate.Identity.PublicKey.Fingerprint, candidate);
        }).ConfigureAwait(false);
        var routed = await RoutedSuppliersAsync(cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(routed, parallel, async (entry, token) =>
        {
            if (!exclude.Contains(entry.Identity) &&
                await ProbeRoutedAsync(entry.Identity, entry.Router, exclude, token).ConfigureAwait(false) is { } candidate)
                found.TryAdd(candidate.Identity.PublicKey.Fingerprint, candidate);
        }).ConfigureAwait(false);
        return found.Values.OrderByDescending(c => c.Offer.FreeBytes).ThenBy(c => c.Contact.Identity, StringComparer.Ordinal).ToList();
    }

    /// <summary>The suppliers each router announced in the DHT says it routes, each once, with the first router naming it.</summary>
    private async Task<IReadOnlyList<(string Identity, string Router)>> RoutedSuppliersAsync(CancellationToken cancellationToken)
    {
        var routers = await dht.GetPeersAsync(DhtInfoHash.Routers(DhtInfoHash.DefaultNetwork), cancellationToken).ConfigureAwait(false);
        var listed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = ParallelProbes, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(routers, parallel, async (endPoint, token) =>
        {
            try
            {
                if (await RouterClient.IdentifyAsync(connector, endPoint, token).ConfigureAwait(false) is not { } router)
                    return;
                foreach (var identity in await new RouterClient(connector, router).ListSuppliersAsync(token).ConfigureAwait(false))
                    listed.TryAdd(identity, router.Name);
            }
            catch (Exception e) when (IsUnreachable(e, token))
            {
                LogRouterUnreachable(endPoint, e.Message);
            }
        }).ConfigureAwait(false);
        return [.. listed.Select(p => (p.Key, p.Value))];
    }

    private async Task<SupplierCandidate?> ProbeAsync(
        IPEndPoint endPoint, IReadOnlySet<string> exclude, CancellationToken cancellationToken)
    {
        var where = $"at {endPoint}";
        try
        {
            var (claimed, key) = await connector.IdentifyAsync(endPoint, cancellationToken).ConfigureAwait(false);
            if (key.Equals(connector.PublicKey) || exclude.Contains(claimed))
                return null;
            return await OfferAsync(claimed, key, where, exclude, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            LogUnreachable(where, e.Message);
            return null;
        }
    }

    private async Task<SupplierCandidate?> ProbeRoutedAsync(
        string identity, string router, IReadOnlySet<string> exclude, CancellationToken cancellationToken)
    {
        var where = $"{identity} (routed by {router})";
        try
        {
            return await OfferAsync(identity, proven: null, where, exclude, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            LogUnreachable(where, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Resolves <paramref name="claimed"/> to its document (whose key must be <paramref name="proven"/> when a handshake proved one),
    /// dials the contact it lists and asks for the offer; the dial itself checks the document's key.
    /// </summary>
    private async Task<SupplierCandidate?> OfferAsync(string claimed, IdentityPublicKey? proven, string where, IReadOnlySet<string> exclude,
        CancellationToken cancellationToken)
    {
        var document = await resolve(claimed, cancellationToken).ConfigureAwait(false);
        if (document is null)
        {
            LogUnknown(where, claimed);
            return null;
        }
        if (proven is not null && !document.PublicKey.Equals(proven))
        {
            LogImpostor(where, claimed, proven.Fingerprint, document.PublicKey.Fingerprint);
            return null;
        }
        if (document.PublicKey.Equals(connector.PublicKey) || exclude.Contains(document.Name) || exclude.Contains(document.PeerName))
            return null;
        if (SupplierContacts.FromDocument(document) is not { } contact)
        {
            LogNoContact(where, claimed);
            return null;
        }
        var offer = await new SupplierClient(connector, contact).GetOfferAsync(cancellationToken).ConfigureAwait(false);
        return new SupplierCandidate(contact, document, offer);
    }

    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        e is IOException or SocketException or AuthenticationException or TimeoutException or SupplierRefusedException
            or PeerRequestException or PeerConnectionClosedException
        || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    [LoggerMessage(EventId = 3100, Level = LogLevel.Information,
        Message = "supplier {Where} skipped: no identity document found for {Identity}")]
    private partial void LogUnknown(string where, string identity);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning,
        Message = "supplier {Where} skipped: it claims to be {Identity} but holds key {Presented}, not {Expected} of that identity")]
    private partial void LogImpostor(string where, string identity, string presented, string expected);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information,
        Message = "supplier {Where} skipped: the identity of {Identity} lists no tcp:// or relay:// contact")]
    private partial void LogNoContact(string where, string identity);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Information, Message = "supplier {Where} skipped: {Reason}")]
    private partial void LogUnreachable(string where, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information,
        Message = "router at {EndPoint} skipped while listing routed suppliers: {Reason}")]
    private partial void LogRouterUnreachable(IPEndPoint endPoint, string reason);
}
