using System.Globalization;
using BitDust.Engine.Crypto;
using BitDust.Engine.Host.Configuration;
using BitDust.Engine.Identity;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>
/// <c>identity-propagate</c>: keeps this node's identity document current on its identity servers. When the contacts
/// change (another host or port than the document says), it signs the next revision and publishes it, retrying servers
/// that cannot be reached. With the DHT running it also keeps an identity pointer there: a BEP 44 item signed by the owner's
/// DHT key (salt <c>bitdust:identity</c>) holding the identity URLs, which only the owner can change. While proxy-transport
/// routes this node, its contacts are the router's <c>relay://</c> one (<see cref="RouteThroughAsync"/>) instead of its own
/// tcp:// one.
/// </summary>
public sealed partial class IdentityPropagateService(NodeConfig config, OwnerIdentity owner, IdentityClient client, TcpConnectionsService transport,
    EntangledDhtService dht, ILogger<IdentityPropagateService> logger) : INetworkService
{
    private readonly SemaphoreSlim _publishGate = new(1, 1);
    private KeyBundle? _keys;
    private IdentityPublisher? _publisher;
    private volatile IReadOnlyList<string>? _routed;
    private Task? _publishing;
    private CancellationTokenSource? _stop;

    public string Name => "identity-propagate";

    public IReadOnlyList<string> DependsOn => ["tcp-connections"];

    public string State => _publishing switch
    {
        null => "OFF",
        { IsCompletedSuccessfully: true } => "PUBLISHED",
        { IsCompleted: true } => "FAILED",
        _ => "PUBLISHING",
    };

    /// <summary>The contacts this node can be reached at now: through its router while routed, else directly.</summary>
    public async Task<IReadOnlyList<string>> CurrentContactsAsync(CancellationToken cancellationToken) =>
        _routed ?? await DirectContactsAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>This node's own address, <c>tcp://host:port</c>, whether or not anyone outside can dial it.</summary>
    public async Task<IReadOnlyList<string>> DirectContactsAsync(CancellationToken cancellationToken) =>
        transport.Port is { } port
            ? [$"tcp://{await ContactHost.ResolveAsync(config, cancellationToken).ConfigureAwait(false)}:{port.ToString(CultureInfo.InvariantCulture)}"]
            : [];

    /// <summary>
    /// From now on this node is reached at <paramref name="contacts"/> (its router's <c>relay://</c> contact): signs and publishes
    /// the revision that says so. Completes when the identity servers have answered.
    /// </summary>
    public async Task RouteThroughAsync(IReadOnlyList<string> contacts, CancellationToken cancellationToken)
    {
        _routed = contacts;
        var publication = await PublishCurrentAsync(cancellationToken).ConfigureAwait(false);
        LogPublished(publication.Document.Name, publication.Document.Revision);
    }

    /// <summary>
    /// Publishes <see cref="CurrentContactsAsync"/> as they are when this publication's turn comes, so of two publications in a
    /// row (the one at start, a router's) the last one always carries the latest contacts.
    /// </summary>
    private async Task<IdentityPublication> PublishCurrentAsync(CancellationToken cancellationToken)
    {
        var publisher = _publisher ?? throw new InvalidOperationException("identity-propagate is not running");
        await _publishGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var contacts = await CurrentContactsAsync(cancellationToken).ConfigureAwait(false);
            return await publisher.UpdateContactsAsync(contacts, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _publishGate.Release();
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var document = owner.TryLoad() ?? throw new InvalidOperationException("no identity yet: create one with `bitdust identity create NAME`");
        _keys = owner.LoadKeys();
        _publisher = new IdentityPublisher(_keys.IdentityKey, document, owner.DocumentPath, client);
        _stop = new CancellationTokenSource();
        _publishing = Task.Run(async () =>
        {
            var publication = await PublishCurrentAsync(_stop.Token).ConfigureAwait(false);
            if (!publication.Changed)
                await owner.PublishAsync(publication.Document, _stop.Token).ConfigureAwait(false);
            LogPublished(publication.Document.Name, publication.Document.Revision);
            await PutPointerAsync(publication.Document, _stop.Token).ConfigureAwait(false);
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public const string PointerSalt = "bitdust:identity";

    // A genesis node may be alone when it starts: retry until some node holds the pointer; the DHT node republishes it after.
    private async Task PutPointerAsync(IdentityDocument document, CancellationToken cancellationToken)
    {
        if (dht.Node is not { } node || document.Servers.Count == 0 || _keys is null)
            return;
        var urls = string.Join(' ', document.Servers.Select(s => s.IdentityUrl(document.Name)));
        var key = OwnerIdentity.DhtKey(_keys.MasterKey);
        while (!cancellationToken.IsCancellationRequested)
        {
            var stored = await node.PutMutableAsync(key, System.Text.Encoding.UTF8.GetBytes(PointerSalt), System.Text.Encoding.UTF8.GetBytes(urls),
                sequence: null, compareAndSwap: null, cancellationToken).ConfigureAwait(false);
            if (stored.Copies > 0)
                return;
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is not null)
            await _stop.CancelAsync().ConfigureAwait(false);
        if (_publishing is not null)
            await _publishing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _publisher?.Dispose();
        _keys?.Dispose();
        _stop?.Dispose();
        (_publisher, _keys, _publishing, _stop, _routed) = (null, null, null, null, null);
    }

    [LoggerMessage(EventId = 4112, Level = LogLevel.Information,
        Message = "identity {Name} revision {Revision} is on its identity servers")]
    private partial void LogPublished(string name, long revision);
}
