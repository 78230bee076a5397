using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using Microsoft.Win32.SafeHandles;

namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// Runs one upload job: every file of it, block by block — read, encode, keep the block's entry in the catalog, then put
/// fragment i to position i — with at most <see cref="CustomerOptions.BlocksInFlight"/> encoded blocks held at once. A file
/// is readable (its manifest signed and kept) when each of its blocks has k fragments stored, durable when each has k plus
/// the durable margin, complete when each has all n; only then do older versions beyond max-copies go. The job is durable
/// when all its files are, and complete when every fragment was tried. What is stored is in the catalog as it happens, so a
/// job stopped anywhere resumes without sending again what the catalog says is stored.
/// </summary>
internal sealed class UploadJob(CustomerStorage storage, UploadJobRecord record, Transfer transfer)
{
    private readonly Catalog _catalog = storage.Catalog;
    private readonly Family _family = storage.Family;
    private readonly CustomerOptions _options = storage.Options;
    private readonly List<Task> _housekeeping = [];
    private readonly Lock _gate = new();
    private Exception? _failure;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var job = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var window = new SemaphoreSlim(_options.BlocksInFlight, _options.BlocksInFlight);
        var sender = new FragmentSender(_family, _options.RequestTimeout, _catalog, transfer);
        var uploads = new List<FileUpload>();
        try
        {
            try
            {
                foreach (var file in _catalog.UploadJobFiles(record.Id))
                    await StartFileAsync(file, uploads, sender, window, job, job.Token).ConfigureAwait(false);
                var durable = Task.WhenAll(uploads.Select(u => u.Durable));
                var finished = Task.WhenAll(uploads.Select(u => u.Finished));
                await Task.WhenAny(durable, finished).ConfigureAwait(false);
                if (durable.IsCompletedSuccessfully)
                    Reach(TransferState.Durable);
                // Every fragment is tried, also once some file fails to become durable: the others still become readable.
                await finished.ConfigureAwait(false);
                await Task.WhenAll(Housekeeping()).ConfigureAwait(false);
                if (_failure is not null)
                    throw _failure;
                await durable.ConfigureAwait(false);
                Reach(TransferState.Complete);
            }
            finally
            {
                // Stop whatever is still in flight (on failure or stop) and let it end before the job does.
                await job.CancelAsync().ConfigureAwait(false);
                foreach (var upload in uploads)
                    upload.Cancel();
                await Task.WhenAll(uploads.Select(u => u.Finished)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await Task.WhenAll(Housekeeping()).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            await FailAsync(_failure ?? e).ConfigureAwait(false);
        }
        if (!cancellationToken.IsCancellationRequested && LeftShort())
            storage.WantRebuild();
    }

    /// <summary>True when a version this job made readable still lacks some fragment (the rebuild stores it).</summary>
    private bool LeftShort() => _catalog.UploadJobFiles(record.Id).Any(f =>
        f.File is { } version && _catalog.FindVersion(version) is { State: VersionState.Readable or VersionState.Durable });

    private Task[] Housekeeping()
    {
        lock (_gate)
            return [.. _housekeeping];
    }

    private void AddHousekeeping(Task task)
    {
        lock (_gate)
            _housekeeping.Add(task);
    }

    private void Reach(TransferState state)
    {
        _catalog.SetUploadJobState(record.Id, state, state == TransferState.Complete ? DateTimeOffset.UtcNow : null);
        transfer.MoveTo(state);
        storage.Logger.UploadReached(record.Id, state);
    }

    /// <summary>
    /// Versions this job began but did not make readable are taken back from the suppliers and the catalog; readable ones stay,
    /// and the rebuild makes them durable and complete.
    /// </summary>
    private async Task FailAsync(Exception failure)
    {
        var reason = failure is UploadFailedException or ArgumentException or IOException or UnauthorizedAccessException
            ? failure.Message
            : $"{failure.GetType().Name}: {failure.Message}";
        foreach (var file in _catalog.UploadJobFiles(record.Id))
        {
            if (file.File is { } version && _catalog.FindVersion(version) is { Manifest: null })
                await storage.DeleteVersionAsync(version, CancellationToken.None).ConfigureAwait(false);
        }
        _catalog.SetUploadJobState(record.Id, TransferState.Failed, DateTimeOffset.UtcNow, reason);
        transfer.MoveTo(TransferState.Failed, reason);
        storage.Logger.UploadFailed(record.Id, reason);
    }

    /// <summary>Queues every block of one file for sending (nothing when the catalog says the file is already readable).</summary>
    private async Task StartFileAsync(UploadJobFile file, List<FileUpload> uploads, FragmentSender sender, SemaphoreSlim window,
        CancellationTokenSource job, CancellationToken cancellationToken)
    {
        if (Prepare(file) is not { } prepared)
        {
            transfer.AddBytesDone(file.Size);
            transfer.AddFileDone();
            return;
        }
        var (upload, key) = prepared;
        uploads.Add(upload);
        AddHousekeeping(FinishAsync(upload));
        using (key)
        {
            var scheme = _family.Scheme;
            var durableCount = scheme.DurableCount(_options.DurableMargin);
            var plan = upload.Job;
            using var encoder = new BlockEncoder(upload.File, key, new ReedSolomon(scheme), _options.Compressor);
            using var handle = File.OpenHandle(plan.LocalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous);
            for (var block = 0L; block < upload.BlockCount; block++)
            {
                var stored = upload.Stored.GetValueOrDefault(block);
                var storedCount = stored?.Count ?? 0;
                if (storedCount >= scheme.DataCount)
                    Reached(upload, block, readable: true, durable: storedCount >= durableCount);
                if (storedCount >= scheme.Total)
                    continue;
                await window.WaitAsync(cancellationToken).ConfigureAwait(false);
                EncodedBlock encoded;
                try
                {
                    encoded = await EncodeAsync(upload, handle, encoder, block, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    window.Release();
                    throw;
                }
                var positions = Enumerable.Range(0, scheme.Total).Where(p => stored?.Contains(p) != true).ToArray();
                upload.Track(SendAsync(upload, encoded, positions, storedCount, durableCount, sender, window, job, cancellationToken));
            }
            if (File.GetLastWriteTimeUtc(plan.LocalPath).Ticks != plan.LocalModified || RandomAccess.GetLength(handle) != plan.Size)
            {
                throw new UploadFailedException(
                    $"{plan.LocalPath} changed while it was being uploaded; upload it again once it is written");
            }
        }
        upload.AllQueued();
        if (upload.BlockCount == 0)
            Reached(upload, 0, readable: false, durable: false);
    }

    /// <summary>
    /// Continues the version a job file started as when every block it sealed before still has the same bytes, proved by the
    /// hash kept with each block's entry (then the key and nonces it used before seal the same bytes again, see
    /// <see cref="BlockCipher"/>); else begins a new version with a fresh data key, recorded before any of its blocks is sent.
    /// A version that is readable already is left to the rebuild, which completes it from its fragments.
    /// </summary>
    private (FileUpload Upload, DataKey Key)? Prepare(UploadJobFile file)
    {
        var info = new FileInfo(file.LocalPath);
        if (!info.Exists && file.File is null && !_catalog.HasQueuedUpload(file.JobId, file.Sequence))
            return null;
        if (!info.Exists)
            throw new UploadFailedException($"{file.LocalPath} no longer exists; it cannot be uploaded as {file.RemotePath}");
        var size = info.Length;
        var modified = info.LastWriteTimeUtc.Ticks;
        var masterKey = storage.Keys.MasterKey;
        FileVersion? abandoned = null;
        if (file is { File: { } started, WrappedKey: { } wrapped } && _catalog.FindVersion(started) is { } version)
        {
            if (version.Manifest is not null)
                return null;
            if (file.Size == size && Resume(file with { LocalModified = modified }, started, wrapped, version) is { } resumed)
                return (resumed, masterKey.UnwrapDataKey(wrapped, started.ToBytes()));
            storage.Logger.LocalFileChanged(file.RemotePath, started.ToString());
            abandoned = started;
        }
        var created = DateTimeOffset.UtcNow;
        var begun = _catalog.BeginJobFileVersion(file.JobId, file.Sequence, size, created);
        // After the new version began, so the file keeps its id when the abandoned one was its only version.
        if (abandoned is { } old)
            AddHousekeeping(storage.DeleteVersionAsync(old, CancellationToken.None));
        if (begun is null)
            return null;
        var (fresh, remotePath) = begun.Value;
        var key = DataKey.Generate();
        var wrappedKey = masterKey.WrapDataKey(key, fresh.ToBytes());
        var job = file with { RemotePath = remotePath, File = fresh, WrappedKey = wrappedKey, Size = size, LocalModified = modified,
            BlockSize = _options.BlockSize };
        // Not synced by itself: the first block's entry is written durably before anything is sent, and this with it.
        _catalog.StartUploadJobFile(job);
        var blocks = checked((int)Manifest.BlockCountFor(size, job.BlockSize));
        return (new FileUpload(job, fresh, wrappedKey, created, new BlockEntry?[blocks], new Dictionary<long, HashSet<int>>()), key);
    }

    /// <summary>
    /// The upload of a started version as the catalog left it, or null when it cannot go on: another family, a block entry
    /// without its hash, or a block whose bytes are not the ones it sealed.
    /// </summary>
    private FileUpload? Resume(UploadJobFile file, FileVersion started, byte[] wrapped, CatalogVersion version)
    {
        var scheme = _family.Scheme;
        var blocks = checked((int)Manifest.BlockCountFor(file.Size, file.BlockSize));
        var entries = new BlockEntry?[blocks];
        using var handle = File.OpenHandle(file.LocalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var buffer = ArrayPool<byte>.Shared.Rent(file.BlockSize);
        try
        {
            foreach (var (block, (entry, hash)) in _catalog.SavedBlocks(started))
            {
                if (block >= blocks || entry.FragmentCount != scheme.Total || hash is null)
                    return null;
                var length = (int)Math.Min(file.BlockSize, file.Size - block * file.BlockSize);
                if (RandomAccess.Read(handle, buffer.AsSpan(0, length), block * file.BlockSize) != length ||
                    !ContentHash.Of(buffer.AsSpan(0, length)).AsSpan().SequenceEqual(hash))
                    return null;
                entries[block] = entry;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        var stored = _catalog.Fragments(started).Where(f => f.State == FragmentState.Stored)
            .GroupBy(f => f.Key.BlockIndex).ToDictionary(g => g.Key, g => g.Select(f => f.Key.Position).ToHashSet());
        return new FileUpload(file, started, wrapped, version.Created, entries, stored);
    }

    /// <summary>
    /// Reads and encodes one block. On resume its entry is known: the block encoded again must be the same one (same key and
    /// nonce, same bytes, same tag), or the local file changed in place and nothing of it may be sent under this key.
    /// </summary>
    private async Task<EncodedBlock> EncodeAsync(FileUpload upload, SafeFileHandle handle, BlockEncoder encoder, long block,
        CancellationToken cancellationToken)
    {
        var blockSize = upload.Job.BlockSize;
        var length = (int)Math.Min(blockSize, upload.Job.Size - block * blockSize);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        EncodedBlock encoded;
        byte[] hash;
        try
        {
            var read = 0;
            while (read < length)
            {
                var count = await RandomAccess.ReadAsync(handle, buffer.AsMemory(read, length - read), block * blockSize + read,
                    cancellationToken)
                    .ConfigureAwait(false);
                if (count == 0)
                    throw new UploadFailedException($"{upload.Job.LocalPath} got shorter while it was being uploaded; upload it again");
                read += count;
            }
            (encoded, hash) = await Task.Run(
                () => (encoder.Encode(block, buffer.AsSpan(0, length)), ContentHash.Of(buffer.AsSpan(0, length))), cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (upload.Entries[block] is { } known)
        {
            // The bytes were proved the same before resuming; a different tag now means they changed since, or the encoding is
            // not what it was: either way nothing may be sent under this key and nonce.
            if (!known.BlockTag.AsSpan().SequenceEqual(encoded.Entry.BlockTag))
            {
                encoded.Dispose();
                throw new UploadFailedException(
                    $"{upload.Job.LocalPath} changed since its upload started (block {block} differs); upload it again");
            }
        }
        else
        {
            _catalog.SaveBlockEntry(upload.File, block, encoded.Entry, hash);
            CrashPoint.Pass(CrashPoint.BlockSaved);
            upload.Entries[block] = encoded.Entry;
        }
        return encoded;
    }

    private async Task SendAsync(FileUpload upload, EncodedBlock encoded, int[] positions, int alreadyStored, int durableCount,
        FragmentSender sender, SemaphoreSlim window, CancellationTokenSource job, CancellationToken cancellationToken)
    {
        var block = encoded.Index;
        var readableCount = encoded.Scheme.DataCount;
        try
        {
            // Counts above alreadyStored are heard once each; both milestones come with one count when they are the same.
            var result = await sender.PutAsync(encoded, positions, alreadyStored, stored =>
            {
                if (stored == readableCount || stored == durableCount)
                    Reached(upload, block, readable: stored == readableCount, durable: stored == durableCount);
            }, cancellationToken).ConfigureAwait(false);
            upload.NoteFailures(result.Failures);
            if (result.Stored < encoded.Scheme.Total)
                upload.BlockIncomplete();
            if (result.Stored < readableCount)
            {
                throw new UploadFailedException($"{upload.Job.RemotePath}: block {block} could not be stored: {result.Stored} of the " +
                    $"{readableCount} fragments needed reached a supplier. {string.Join("; ", result.Failures.Values)}. " +
                    "Check that the suppliers are online (`bitdust supplier list`), then upload again.");
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            upload.Fail(e);
            await job.CancelAsync().ConfigureAwait(false);
        }
        finally
        {
            encoded.Dispose();
            window.Release();
        }
    }

    /// <summary>
    /// A block reached k fragments (<paramref name="readable"/>) and/or its durable count: once every block is readable the
    /// manifest is signed and kept, and once every block is durable the version is.
    /// </summary>
    private void Reached(FileUpload upload, long block, bool readable, bool durable)
    {
        try
        {
            var nowDurable = upload.BlockReached(readable, durable,
                allDurable => KeepManifest(upload, allDurable ? VersionState.Durable : VersionState.Readable),
                () => _catalog.SetVersionState(upload.File, VersionState.Durable));
            if (durable && upload.BlockCount > 0)
                transfer.AddBytesDone(Math.Min(upload.Job.BlockSize, upload.Job.Size - block * upload.Job.BlockSize));
            if (nowDurable)
                transfer.AddFileDone();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            upload.Fail(e);
        }
    }

    private void KeepManifest(FileUpload upload, VersionState state)
    {
        var manifest = new Manifest(upload.File, upload.Job.Size, upload.Job.BlockSize, _family.Scheme, upload.Created, upload.WrappedKey,
            [.. upload.Entries.Select(e => e!)]);
        _catalog.SetManifest(upload.File, manifest.Sign(storage.Keys.IdentityKey), state);
        CrashPoint.Pass(CrashPoint.ManifestKept);
    }

    /// <summary>
    /// Once every fragment of a file was tried: a file short of durable is a failure the job reports (kept when readable, for
    /// the rebuild to finish); a file with every fragment stored is complete, and the versions max-copies lets go, go.
    /// </summary>
    private async Task FinishAsync(FileUpload upload)
    {
        await upload.Finished.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (!upload.IsDurable)
        {
            upload.Fail(new UploadFailedException(NotDurable(upload)));
            return;
        }
        if (!upload.Finished.IsCompletedSuccessfully || upload.HasMissingFragments)
            return;
        _catalog.SetVersionState(upload.File, VersionState.Complete);
        CrashPoint.Pass(CrashPoint.VersionComplete);
        await storage.PruneAsync(upload.File.FileId, CancellationToken.None).ConfigureAwait(false);
    }

    private string NotDurable(FileUpload upload)
    {
        var scheme = _family.Scheme;
        var why = string.Join("; ", upload.LastFailures.Select(f => $"position {f.Key}: {f.Value}"));
        var durable = $"{scheme.DurableCount(_options.DurableMargin)} of the {scheme.Total} fragments of every block";
        return upload.IsReadable
            ? $"{upload.Job.RemotePath} can be read back but is not durable yet: {durable} are needed and some block has fewer " +
              $"({why}). It stays, and becomes durable once its suppliers answer again or are replaced (the rebuild stores the rest)"
            : $"{upload.Job.RemotePath} could not be stored: {durable} are needed ({why})";
    }
}
