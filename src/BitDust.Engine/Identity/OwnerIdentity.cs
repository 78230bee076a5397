using BitDust.Engine.Common;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Dht;

namespace BitDust.Engine.Identity;

/// <summary>
/// This node's own identity: its keys in the home, its signed document, and the steps a user takes with them — create,
/// back up, recover on an empty machine. The document is published to the identity servers before it is kept, so a name
/// another key already holds is refused at creation.
/// </summary>
public sealed class OwnerIdentity(NodeHome home, IdentityClient client)
{
    private readonly KeyStore _keys = new(home);

    public string DocumentPath => Path.Combine(home.IdentityFolder, "my.json");

    /// <summary>Present when the identity was brought up from its backup rather than created in this home.</summary>
    private string RecoveredMarkerPath => Path.Combine(home.IdentityFolder, "recovered");

    /// <summary>
    /// True when this home's identity came from its backup: it may have a family and files in the network already, so the
    /// customer looks for them and never hires an empty family over them on its own.
    /// </summary>
    public bool WasRecovered => File.Exists(RecoveredMarkerPath);

    /// <summary>The saved document, or null when this home has no identity yet.</summary>
    public IdentityDocument? TryLoad()
    {
        if (!File.Exists(DocumentPath) || !_keys.Exists)
            return null;
        if (!IdentityDocument.TryParse(File.ReadAllBytes(DocumentPath), out var document, out var error))
            throw new InvalidDataException($"{DocumentPath} is damaged ({error}); recover the identity from its backup.");
        return document;
    }

    public KeyBundle LoadKeys() => _keys.Load();

    public static DhtSigningKey DhtKey(MasterKey masterKey) => DhtSigningKey.FromSeed(KeyStore.DeriveDhtSeed(masterKey));

    public async Task<IdentityDocument> CreateAsync(string name, IReadOnlyList<string> contacts, IReadOnlyList<IdentityServerAddress> servers,
        CancellationToken cancellationToken)
    {
        if (TryLoad() is { } existing)
            throw new InvalidOperationException($"{home.Root} already holds the identity \"{existing.Name}\"; use another BITDUST_HOME for another identity.");
        if (IdentityName.Validate(name) is { } problem)
            throw new ArgumentException(problem, nameof(name));
        // A recovery that failed half way left its marker; this identity is new.
        File.Delete(RecoveredMarkerPath);
        using var keys = new KeyBundle(MasterKey.Generate(), IdentityKey.Generate());
        var document = IdentityDocument.Create(keys.IdentityKey, name, DhtKey(keys.MasterKey).PublicKey, contacts, servers,
            TimeProvider.System.GetUtcNow());
        await PublishAsync(document, cancellationToken).ConfigureAwait(false);
        await _keys.SaveAsync(keys, replace: false, cancellationToken).ConfigureAwait(false);
        await SaveAsync(document, cancellationToken).ConfigureAwait(false);
        return document;
    }

    /// <summary>The backup file: the document and the keys sealed under <paramref name="passphrase"/>.</summary>
    public byte[] Backup(string passphrase, ScryptCost? cost = null)
    {
        var document = TryLoad() ?? throw new InvalidOperationException($"{home.Root} has no identity to back up.");
        using var keys = _keys.Load();
        return IdentityBackupFile.Create(document, KeyBackup.Create(keys, passphrase, cost));
    }

    /// <summary>
    /// Brings an identity up in this (empty) home from a backup file, then asks its identity servers for a newer revision of
    /// its document than the one in the backup.
    /// </summary>
    public async Task<IdentityDocument> RecoverAsync(ReadOnlyMemory<byte> backupFile, string passphrase, CancellationToken cancellationToken)
    {
        if (TryLoad() is { } existing)
            throw new InvalidOperationException($"{home.Root} already holds the identity \"{existing.Name}\"; recover into an empty BITDUST_HOME.");
        if (!IdentityBackupFile.TryRead(backupFile.Span, out var document, out var sealedKeys, out var error))
            throw new InvalidDataException($"The backup cannot be used: {error}.");
        using var keys = KeyBackup.Open(sealedKeys, passphrase);
        if (!keys.IdentityKey.PublicKey.Equals(document.PublicKey))
            throw new InvalidDataException("The backup's keys do not belong to its identity document: the file was put together from two backups.");
        foreach (var server in document.Servers)
        {
            try
            {
                var published = await client.FetchAsync(server, document.Name, cancellationToken).ConfigureAwait(false);
                if (published.PublicKey.Equals(document.PublicKey) && published.Revision > document.Revision)
                    document = published;
            }
            catch (Exception e) when (e is HttpRequestException or IdentityFetchException or TaskCanceledException)
            {
                // An unreachable server leaves the backup's revision; the next publication raises it above any.
            }
        }
        await AtomicFile.WriteAsync(RecoveredMarkerPath, System.Text.Encoding.UTF8.GetBytes(
            TimeProvider.System.GetUtcNow().ToString("O", System.Globalization.CultureInfo.InvariantCulture) + "\n"),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await _keys.SaveAsync(keys, replace: false, cancellationToken).ConfigureAwait(false);
        await SaveAsync(document, cancellationToken).ConfigureAwait(false);
        return document;
    }

    /// <summary>Publishes to every server the document names; refused everywhere (e.g. the name is taken) is an error.</summary>
    public async Task<IReadOnlyList<PublishResult>> PublishAsync(IdentityDocument document, CancellationToken cancellationToken)
    {
        if (document.Servers.Count == 0)
            return [];
        var results = await client.PublishAsync(document, document.Servers, cancellationToken).ConfigureAwait(false);
        if (!results.Any(r => r.IsStored))
            throw new InvalidOperationException("No identity server accepted the identity: " +
                string.Join("; ", results.Select(r => $"{r.Server}: {r.Outcome} {r.Reason}")));
        return results;
    }

    public Task SaveAsync(IdentityDocument document, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(DocumentPath, document.Encoded, cancellationToken: cancellationToken);
}
