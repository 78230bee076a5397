using System.Buffers;
using BitDust.Engine.Coding;
using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using Microsoft.Win32.SafeHandles;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// Runs one upload job: every file of it, block by block — read, encode, keep the block's entry in the catalog, then put
/// fragment i to position i — with at most <see cref="CustomerOptions.BlocksInFlight"/> encoded blocks held at once. A file
/// is durable (its manifest signed and kept) when each of its blocks has k fragments stored; the job is durable when all
/// its files are, and complete when every fragment was tried. What is stored is in the catalog as it happens, so a job
/// stopped anywhere resumes without sending again what the catalog says is stored.
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
                await Task.WhenAll(uploads.Select(u => u.Durable)).ConfigureAwait(false);
                Reach(TransferState.Durable);
                await Task.WhenAll(uploads.Select(u => u.Finished)).ConfigureAwait(false);
                await Task.WhenAll(Housekeeping()).ConfigureAwait(false);
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
    }

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

    /// <summary>Versions this job began but did not make durable are taken back from the suppliers and the catalog.</summary>
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

    /// <summary>Queues every block of one file for sending (nothing when the catalog says the file is already complete).</summary>
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
        using (key)
        {
            var scheme = _family.Scheme;
            var plan = upload.Job;
            using var encoder = new BlockEncoder(upload.File, key, new ReedSolomon(scheme), _options.Compressor);
            using var handle = File.OpenHandle(plan.LocalPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete,
                FileOptions.Asynchronous);
            for (var block = 0L; block < upload.BlockCount; block++)
            {
                var stored = upload.Stored.GetValueOrDefault(block);
                var storedCount = stored?.Count ?? 0;
                if (storedCount >= scheme.DataCount)
                    BlockDurable(upload, block);
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
                upload.Track(SendAsync(upload, encoded, positions, storedCount, sender, window, job, cancellationToken));
            }
            if (File.GetLastWriteTimeUtc(plan.LocalPath).Ticks != plan.LocalModified || RandomAccess.GetLength(handle) != plan.Size)
            {
                throw new UploadFailedException(
                    $"{plan.LocalPath} changed while it was being uploaded; upload it again once it is written");
            }
        }
        upload.AllQueued();
        if (upload.BlockCount == 0)
            Finish(upload);
    }

    /// <summary>
    /// Continues the version a job file started as when the local file is unchanged (same size and time), else begins a new
    /// one with a fresh data key, recorded before any of its blocks is sent.
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
        if (file is { File: { } started, WrappedKey: { } wrapped } && _catalog.FindVersion(started) is { } version)
        {
            if (version.State == VersionState.Complete)
                return null;
            if (file.Size == size && file.LocalModified == modified && Resume(file, started, wrapped, version) is { } resumed)
                return (resumed, masterKey.UnwrapDataKey(wrapped, started.ToBytes()));
            if (version.Manifest is null)
            {
                storage.Logger.LocalFileChanged(file.RemotePath, started.ToString());
                AddHousekeeping(storage.DeleteVersionAsync(started, CancellationToken.None));
            }
        }
        var created = DateTimeOffset.UtcNow;
        if (_catalog.BeginJobFileVersion(file.JobId, file.Sequence, size, created) is not { } begun)
            return null;
        var (fresh, remotePath) = begun;
        var key = DataKey.Generate();
        var wrappedKey = masterKey.WrapDataKey(key, fresh.ToBytes());
        var job = file with { RemotePath = remotePath, File = fresh, WrappedKey = wrappedKey, Size = size, LocalModified = modified,
            BlockSize = _options.BlockSize };
        _catalog.StartUploadJobFile(job);
        var blocks = checked((int)Manifest.BlockCountFor(size, job.BlockSize));
        return (new FileUpload(job, fresh, wrappedKey, created, new BlockEntry?[blocks], new Dictionary<long, HashSet<int>>(),
            hasManifest: false), key);
    }

    /// <summary>The upload of a started version as the catalog left it, or null when it cannot go on under today's family.</summary>
    private FileUpload? Resume(UploadJobFile file, FileVersion started, byte[] wrapped, CatalogVersion version)
    {
        var scheme = _family.Scheme;
        var blocks = checked((int)Manifest.BlockCountFor(file.Size, file.BlockSize));
        var entries = new BlockEntry?[blocks];
        if (version.Manifest is { } signed)
        {
            var manifest = Manifest.Read(signed, storage.Keys.IdentityKey.PublicKey);
            if (manifest.Scheme != scheme)
                return null;
            for (var i = 0; i < blocks; i++)
                entries[i] = manifest.Blocks[i];
        }
        else
        {
            foreach (var (block, entry) in _catalog.BlockEntries(started))
            {
                if (block >= blocks || entry.FragmentCount != scheme.Total)
                    return null;
                entries[block] = entry;
            }
        }
        var stored = _catalog.Fragments(started).Where(f => f.State == FragmentState.Stored)
            .GroupBy(f => f.Key.BlockIndex).ToDictionary(g => g.Key, g => g.Select(f => f.Key.Position).ToHashSet());
        return new FileUpload(file, started, wrapped, version.Created, entries, stored, version.Manifest is not null);
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
            encoded = await Task.Run(() => encoder.Encode(block, buffer.AsSpan(0, length)), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        if (upload.Entries[block] is { } known)
        {
            if (!known.BlockTag.AsSpan().SequenceEqual(encoded.Entry.BlockTag))
            {
                encoded.Dispose();
                throw new UploadFailedException(
                    $"{upload.Job.LocalPath} changed since its upload started (block {block} differs); upload it again");
            }
        }
        else
        {
            _catalog.SaveBlockEntry(upload.File, block, encoded.Entry);
            upload.Entries[block] = encoded.Entry;
        }
        return encoded;
    }

    private async Task SendAsync(FileUpload upload, EncodedBlock encoded, int[] positions, int alreadyStored, FragmentSender sender,
        SemaphoreSlim window, CancellationTokenSource job, CancellationToken cancellationToken)
    {
        var block = encoded.Index;
        try
        {
            var durableBefore = alreadyStored >= encoded.Scheme.DataCount;
            var result = await sender.PutAsync(encoded, positions, alreadyStored, durableBefore ? null : () => BlockDurable(upload, block),
                cancellationToken).ConfigureAwait(false);
            if (result.Stored < encoded.Scheme.Total)
                upload.BlockIncomplete();
            if (result.Stored < encoded.Scheme.DataCount)
            {
                throw new UploadFailedException($"{upload.Job.RemotePath}: block {block} could not be stored: {result.Stored} of the " +
                    $"{encoded.Scheme.DataCount} fragments needed reached a supplier. {string.Join("; ", result.Failures.Values)}. " +
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

    private void BlockDurable(FileUpload upload, long block)
    {
        transfer.AddBytesDone(Math.Min(upload.Job.BlockSize, upload.Job.Size - block * upload.Job.BlockSize));
        if (upload.BlockDurable())
            Finish(upload);
    }

    /// <summary>Every block has k fragments: sign and keep the manifest, then let versions beyond max-copies go.</summary>
    private void Finish(FileUpload upload)
    {
        try
        {
            if (!upload.HasManifest)
            {
                var manifest = new Manifest(upload.File, upload.Job.Size, upload.Job.BlockSize, _family.Scheme, upload.Created,
                    upload.WrappedKey,
                    [.. upload.Entries.Select(e => e!)]);
                _catalog.SetManifest(upload.File, manifest.Sign(storage.Keys.IdentityKey), VersionState.Durable);
            }
            transfer.AddFileDone();
            AddHousekeeping(CompleteAsync(upload));
            upload.SetDurable();
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _failure, e, null);
            upload.Fail(e);
        }
    }

    private async Task CompleteAsync(FileUpload upload)
    {
        await upload.Finished.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (upload.Finished.IsCompletedSuccessfully && !upload.HasMissingFragments)
            _catalog.SetVersionState(upload.File, VersionState.Complete);
        foreach (var old in _catalog.VersionsBeyond(upload.File.FileId, _options.MaxCopies))
            await storage.DeleteVersionAsync(old, CancellationToken.None).ConfigureAwait(false);
    }
}
