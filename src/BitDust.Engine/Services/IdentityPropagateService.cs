using System.Globalization;
using BitDust.Engine.Configuration;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Identity;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Services;

/// <summary>
/// <c>identity-propagate</c>: keeps this node's identity document current on its identity servers. When the contacts
/// change (another host or port than the document says), it signs the next revision and publishes it, retrying servers
/// that cannot be reached.
/// </summary>
public sealed partial class IdentityPropagateService(NodeConfig config, OwnerIdentity owner, IdentityClient client, TcpConnectionsService transport,
    ILogger<IdentityPropagateService> logger) : INetworkService
{
    private KeyBundle? _keys;
    private IdentityPublisher? _publisher;
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

    /// <summary>The contacts this node can be reached at now.</summary>
    public IReadOnlyList<string> CurrentContacts() =>
        transport.Port is { } port
            ? [$"tcp://{config.Get("services/tcp-connections/host")}:{port.ToString(CultureInfo.InvariantCulture)}"]
            : [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var document = owner.TryLoad() ?? throw new InvalidOperationException("no identity yet: create one with `bitdust identity create NAME`");
        _keys = owner.LoadKeys();
        _publisher = new IdentityPublisher(_keys.IdentityKey, document, owner.DocumentPath, client);
        _stop = new CancellationTokenSource();
        var contacts = CurrentContacts();
        _publishing = Task.Run(async () =>
        {
            var publication = await _publisher.UpdateContactsAsync(contacts, _stop.Token).ConfigureAwait(false);
            if (!publication.Changed)
                await owner.PublishAsync(publication.Document, _stop.Token).ConfigureAwait(false);
            LogPublished(publication.Document.Name, publication.Document.Revision);
        }, CancellationToken.None);
        return Task.CompletedTask;
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
        (_publisher, _keys, _publishing, _stop) = (null, null, null, null);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "identity {Name} revision {Revision} is on its identity servers")]
    private partial void LogPublished(string name, long revision);
}
