using System.Globalization;
using BitDust.Engine.Crypto;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// Finds the key a peer must present: from its identity URL, or by name on the identity servers this node knows, then on
/// the identity servers announced in the DHT. Documents are signed, so a server found that way cannot forge one; verified
/// documents are cached with the servers' rule (never an older revision, never another key for a known name).
/// </summary>
public sealed class NetworkIdentityResolver(IdentityClient client, IdentityCache cache, NodeConfig config, EntangledDhtService dht) : IIdentityResolver
{
    public async ValueTask<IdentityPublicKey?> ResolveAsync(string identity, CancellationToken cancellationToken) =>
        (await FindAsync(identity, cancellationToken).ConfigureAwait(false))?.PublicKey;

    /// <summary>The document of <paramref name="identity"/> (a name or identity URL), or null when no server has it.</summary>
    public Task<IdentityDocument?> FindAsync(string identity, CancellationToken cancellationToken) =>
        FindAsync(identity, fromCache: true, cancellationToken);

    /// <summary>
    /// The document of <paramref name="identity"/> as its identity servers hold it now, never only the cached copy: a peer that
    /// cannot be reached may have published another contact (a new address, another router). The cache's rule still holds,
    /// so a server cannot roll the document back or swap its key.
    /// </summary>
    public Task<IdentityDocument?> RefreshAsync(string identity, CancellationToken cancellationToken) =>
        FindAsync(identity, fromCache: false, cancellationToken);

    private async Task<IdentityDocument?> FindAsync(string identity, bool fromCache, CancellationToken cancellationToken)
    {
        if (Uri.TryCreate(identity, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            return await TryFetchAsync(url, cancellationToken).ConfigureAwait(false);
        if (fromCache && cache.TryGet(identity, out var cached))
            return cached;
        foreach (var entry in config.GetList(ConfigKeys.IdentityPropagateKnownServers))
        {
            if (await TryFetchAsync(IdentityServerAddress.Parse(entry).IdentityUrl(identity), cancellationToken).ConfigureAwait(false) is { } found)
                return found;
        }
        if (dht.Node is not { } node || Identity.IdentityName.Validate(identity) is not null)
            return null;
        var servers = await node.GetPeersAsync(DhtInfoHash.IdentityServers(DhtInfoHash.DefaultNetwork), cancellationToken).ConfigureAwait(false);
        foreach (var server in servers)
        {
            var serverUrl = new Uri($"http://{server.Address}:{server.Port.ToString(CultureInfo.InvariantCulture)}/{identity}{IdentityUrls.XmlSuffix}");
            if (await TryFetchAsync(serverUrl, cancellationToken).ConfigureAwait(false) is { } found && found.Name == identity)
                return found;
        }
        return null;
    }

    private async Task<IdentityDocument?> TryFetchAsync(Uri url, CancellationToken cancellationToken)
    {
        try
        {
            return await cache.FetchAsync(client, url, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or IdentityFetchException or TaskCanceledException)
        {
            return null;
        }
    }
}
