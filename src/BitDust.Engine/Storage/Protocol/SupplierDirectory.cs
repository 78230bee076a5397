using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Identity;
using BitDust.Engine.Network.Transport;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Protocol;

/// <summary>A supplier found in the DHT: how to reach it, its verified identity document, and what it offers.</summary>
public sealed record SupplierCandidate(PeerContact Contact, IdentityDocument Identity, SpaceOffer Offer);

/// <summary>
/// Finds suppliers: the addresses announced under the network's supplier info-hash in the DHT are untrusted, so each is
/// asked who it is (<see cref="PeerConnection.IdentifyAsync"/>), the name it claims is resolved to its signed identity
/// document, and only a node that proved the document's key counts. It is then dialed at the contact its document lists
/// and asked for its offer. Nodes that do not answer, lie about who they are, or refuse are skipped, with a log line.
/// </summary>
public sealed partial class SupplierDirectory(
    DhtNode dht, PeerConnector connector, Func<string, CancellationToken, Task<IdentityDocument?>> resolve, ILogger? logger = null)
{
    /// <summary>Addresses probed at once.</summary>
    public const int ParallelProbes = 8;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>
    /// Every supplier of the default network that answers with an offer, except this node and those in
    /// <paramref name="exclude"/> (identity names or identity URLs), most free space first.
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
        return found.Values.OrderByDescending(c => c.Offer.FreeBytes).ThenBy(c => c.Contact.Identity, StringComparer.Ordinal).ToList();
    }

    private async Task<SupplierCandidate?> ProbeAsync(
        IPEndPoint endPoint, IReadOnlySet<string> exclude, CancellationToken cancellationToken)
    {
        try
        {
            var (claimed, key) = await connector.IdentifyAsync(endPoint, cancellationToken).ConfigureAwait(false);
            if (key.Equals(connector.PublicKey) || exclude.Contains(claimed))
                return null;
            var document = await resolve(claimed, cancellationToken).ConfigureAwait(false);
            if (document is null)
            {
                LogUnknown(endPoint, claimed);
                return null;
            }
            if (!document.PublicKey.Equals(key))
            {
                LogImpostor(endPoint, claimed, key.Fingerprint, document.PublicKey.Fingerprint);
                return null;
            }
            if (exclude.Contains(document.Name) || exclude.Contains(document.PeerName))
                return null;
            if (SupplierContacts.FromDocument(document) is not { } contact)
            {
                LogNoContact(endPoint, claimed);
                return null;
            }
            var offer = await new SupplierClient(connector, contact).GetOfferAsync(cancellationToken).ConfigureAwait(false);
            return new SupplierCandidate(contact, document, offer);
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or TimeoutException
                                      or SupplierRefusedException or PeerConnectionClosedException
                                      or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(endPoint, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "supplier at {EndPoint} skipped: no identity document found for {Identity}")]
    private partial void LogUnknown(IPEndPoint endPoint, string identity);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "supplier at {EndPoint} skipped: it claims to be {Identity} but holds key {Presented}, not {Expected} of that identity")]
    private partial void LogImpostor(IPEndPoint endPoint, string identity, string presented, string expected);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "supplier at {EndPoint} skipped: the identity of {Identity} lists no tcp:// contact")]
    private partial void LogNoContact(IPEndPoint endPoint, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "supplier at {EndPoint} skipped: {Reason}")]
    private partial void LogUnreachable(IPEndPoint endPoint, string reason);
}
