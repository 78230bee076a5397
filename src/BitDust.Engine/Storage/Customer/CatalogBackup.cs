using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// Keeps the catalog in the network, so a new machine with only the identity backup gets every file back. The snapshot is
/// a file version like any other — under a fixed file id derived from the master key, sealed and erasure-coded over the
/// family — and its signed manifest is left with every supplier as the meta blob <see cref="MetaName"/>. Restoring takes
/// the highest version whose signature is the owner's and that decodes. Backups follow changes, at most every
/// <see cref="CustomerOptions.BackupDelay"/>; changes that ask for none (a fragment recorded, a pin) go with the next, or after
/// <see cref="CustomerOptions.QuietBackupDelay"/>.
/// </summary>
public sealed class CatalogBackup(CustomerStorage storage)
{
    public const string MetaName = "catalog";

    /// <summary>The catalog setting holding the last version backed up (or restored).</summary>
    public const string VersionSetting = "catalog-backup-version";

    /// <summary>
    /// The catalog setting holding the last version a backup started as, written durably before anything is sent: a backup
    /// whose note in <see cref="VersionSetting"/> a power cut took still never has its version used again.
    /// </summary>
    public const string TakenSetting = "catalog-backup-taken";

    private readonly Channel<bool> _requests =
        Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private long _savedChanges = -1;
    private volatile bool _evenIfUnchanged;

    /// <summary>The id every version of the owner's catalog backup shares: derived from the master key, so it is found again.</summary>
    public static Guid FileIdFor(MasterKey masterKey)
    {
        Span<byte> master = stackalloc byte[MasterKey.Size];
        Span<byte> id = stackalloc byte[16];
        try
        {
            masterKey.CopyTo(master);
            KeyDerivation.DeriveKey(master, "bitdust/catalog-file-id", id);
            return new Guid(id, bigEndian: true);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(master);
        }
    }

    /// <summary>The version last backed up or restored (0: none).</summary>
    public long LastVersion =>
        storage.Catalog.GetSetting(VersionSetting) is { } text ? long.Parse(text, CultureInfo.InvariantCulture) : 0;

    /// <summary>True when the last backup this runner made holds every change the catalog has had so far.</summary>
    public bool IsCurrent => Interlocked.Read(ref _savedChanges) == storage.Catalog.ChangeCount;

    /// <summary>
    /// Asks for a backup soon (changes coming together make one backup). <paramref name="evenIfUnchanged"/>: back up although the
    /// catalog did not change, because the family did (a new supplier holds none of the last backup's fragments).
    /// </summary>
    public void Request(bool evenIfUnchanged = false)
    {
        if (evenIfUnchanged)
            _evenIfUnchanged = true;
        _requests.Writer.TryWrite(true);
    }

    private void OnCatalogChanged() => Request();

    /// <summary>Backs up after every change until <paramref name="cancellationToken"/> stops it; failures are retried.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var catalog = storage.Catalog;
        catalog.Changed += OnCatalogChanged;
        try
        {
            Request();
            while (true)
            {
                await NextRequestAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(storage.Options.BackupDelay, cancellationToken).ConfigureAwait(false);
                _requests.Reader.TryRead(out _);
                var changes = catalog.ChangeCount;
                if (changes == Interlocked.Read(ref _savedChanges) && !_evenIfUnchanged)
                    continue;
                _evenIfUnchanged = false;
                try
                {
                    await BackupAsync(cancellationToken).ConfigureAwait(false);
                    Interlocked.Exchange(ref _savedChanges, changes);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    storage.Logger.CatalogBackupFailed(e, storage.Options.BackupRetryDelay);
                    await Task.Delay(storage.Options.BackupRetryDelay, cancellationToken).ConfigureAwait(false);
                    Request();
                }
            }
        }
        finally
        {
            catalog.Changed -= OnCatalogChanged;
        }
    }

    /// <summary>
    /// Until a backup is asked for, or <see cref="CustomerOptions.QuietBackupDelay"/> has passed: then the changes that asked
    /// for none (if any) are backed up.
    /// </summary>
    private async Task NextRequestAsync(CancellationToken cancellationToken)
    {
        using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        quiet.CancelAfter(storage.Options.QuietBackupDelay);
        try
        {
            await _requests.Reader.ReadAsync(quiet.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Stores the catalog as its next backup version; returns that version.</summary>
    public async Task<long> BackupAsync(CancellationToken cancellationToken)
    {
        var family = storage.Family;
        var keys = storage.Keys;
        var content = storage.Catalog.Snapshot().Write();
        var previous = LastVersion;
        var file = new FileVersion(FileIdFor(keys.MasterKey), storage.Catalog.TakeNext(TakenSetting, previous));
        var options = new PipelineOptions
        {
            BlockSize = storage.Options.BlockSize, Scheme = family.Scheme, Parallelism = 1, Compressor = storage.Options.Compressor,
        };
        var sender = new FragmentSender(family, storage.Options.RequestTimeout, catalog: null, transfer: null);
        var positions = Enumerable.Range(0, family.Size).ToArray();
        using var input = new MemoryStream(content, writable: false);
        var manifest = await VersionWriter.WriteAsync(input, file, keys.MasterKey, options, async (block, token) =>
        {
            using (block)
            {
                var result = await sender.PutAsync(block, positions, 0, null, token).ConfigureAwait(false);
                // Durable, as every file must be: the backup before this one is let go only after it.
                var needed = block.Scheme.DurableCount(storage.Options.DurableMargin);
                if (result.Stored < needed)
                {
                    throw new InvalidOperationException($"block {block.Index} of the catalog backup reached {result.Stored} " +
                        $"suppliers of the {needed} that make it durable: {string.Join("; ", result.Failures.Values)}");
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        var signed = manifest.Sign(keys.IdentityKey);
        var answers = await family.AskEveryoneAsync(async (client, token) =>
        {
            await client.PutMetaAsync(MetaName, signed, token).ConfigureAwait(false);
            return true;
        }, storage.Options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        var kept = answers.Count(a => a.Succeeded);
        if (kept == 0)
            throw new InvalidOperationException("no supplier kept the catalog backup's manifest: " + string.Join("; ",
                answers.Select(a => a.Problem)));
        storage.Catalog.SetSetting(VersionSetting, file.Version.ToString(CultureInfo.InvariantCulture));
        storage.Logger.CatalogBackedUp(file.Version, content.Length, kept);
        CrashPoint.Pass(CrashPoint.CatalogBackedUp);
        // The previous version stays for a supplier that missed this manifest; the one before it goes, and so do the attempts
        // between the previous one and this (failed, or cut off before their version was noted).
        foreach (var version in Superseded(previous, file.Version))
        {
            var old = file with { Version = version };
            await family.AskEveryoneAsync((client, token) => client.DeleteFragmentsAsync(old, token), storage.Options.RequestTimeout,
                cancellationToken)
                .ConfigureAwait(false);
        }
        return file.Version;
    }

    /// <summary>
    /// The versions a backup as <paramref name="current"/> lets go, <paramref name="previous"/> being the last one noted: the
    /// one before the previous, and the attempts after it (the last few: an attempt that failed before it sent anything left
    /// nothing to delete).
    /// </summary>
    internal static IEnumerable<long> Superseded(long previous, long current)
    {
        const int LastAttempts = 8;
        if (previous > 1)
            yield return previous - 1;
        for (var version = Math.Max(previous + 1, current - LastAttempts); version < current; version++)
            yield return version;
    }

    /// <summary>
    /// Fills an empty catalog from the newest backup the suppliers hold that is signed by the owner and decodes. Null when no
    /// supplier holds one (nothing to restore); otherwise the version restored, or an exception saying why none could be.
    /// </summary>
    public async Task<long?> RestoreAsync(CancellationToken cancellationToken)
    {
        var family = storage.Family;
        var keys = storage.Keys;
        var fileId = FileIdFor(keys.MasterKey);
        var answers = await family.AskEveryoneAsync((client, token) => client.GetMetaAsync(MetaName, token), storage.Options.RequestTimeout,
            cancellationToken).ConfigureAwait(false);
        var candidates = answers.Where(a => a.Value is not null)
            .Select(a => Manifest.TryRead(a.Value, keys.IdentityKey.PublicKey, out var manifest, out _) ? manifest : null)
            .Where(m => m is not null && m.File.FileId == fileId && m.Size <= CatalogSnapshot.MaxSize)
            .Select(m => m!)
            .DistinctBy(m => m.File.Version)
            .OrderByDescending(m => m.File.Version)
            .ToList();
        if (candidates.Count == 0)
            return null;
        var problems = new List<string>();
        foreach (var manifest in candidates)
        {
            try
            {
                var snapshot = await FetchAsync(manifest, cancellationToken).ConfigureAwait(false);
                storage.Catalog.Restore(snapshot);
                storage.Catalog.SetSetting(VersionSetting, manifest.File.Version.ToString(CultureInfo.InvariantCulture));
                storage.Logger.CatalogRestored(manifest.File.Version, snapshot.Files.Count);
                return manifest.File.Version;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not InvalidOperationException)
            {
                storage.Logger.CatalogRestoreSkipped(manifest.File.Version, e.Message);
                problems.Add($"version {manifest.File.Version}: {e.Message}");
            }
        }
        throw new InvalidDataException("No catalog backup could be restored: " + string.Join(" ", problems));
    }

    private async Task<CatalogSnapshot> FetchAsync(Manifest manifest, CancellationToken cancellationToken)
    {
        using var key = manifest.UnwrapKey(storage.Keys.MasterKey);
        using var decoder = new BlockDecoder(manifest, key, new ReedSolomon(manifest.Scheme));
        using var content = new MemoryStream((int)manifest.Size);
        await VersionReader.ReadAsync(decoder, new NetworkFragmentSource(storage.Family, storage.Options.RequestTimeout), content, 0,
            manifest.Size,
            storage.Options.DownloadParallelism, cancellationToken).ConfigureAwait(false);
        if (!CatalogSnapshot.TryRead(content.GetBuffer().AsSpan(0, (int)content.Length), out var snapshot, out var error))
            throw new InvalidDataException(error);
        foreach (var version in snapshot.Files.SelectMany(f => f.Versions))
        {
            if (!Manifest.TryRead(version.Version.Manifest, storage.Keys.IdentityKey.PublicKey, out var kept, out var problem))
                throw new InvalidDataException(problem);
            if (kept.File != version.Version.File)
                throw new InvalidDataException($"the manifest kept for {version.Version.File} is that of {kept.File}");
        }
        return snapshot;
    }
}
