using BitDust.Engine.Crypto;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Storage.Customer;

/// <summary>
/// The customer's storage: its catalog, its family of suppliers, and the transfers between them. Uploads run one job at a
/// time (each bounded by <see cref="CustomerOptions.BlocksInFlight"/>), downloads beside them. Disposing stops every transfer
/// where it is; upload jobs stay in the catalog and <see cref="ResumeJobs"/> continues them in the next run.
/// </summary>
public sealed partial class CustomerStorage : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _running = [];
    private readonly SemaphoreSlim _uploadSlot = new(1, 1);
    private readonly SemaphoreSlim _downloadSlots = new(2, 2);
    private int _copiesChecked;

    /// <param name="keys">The owner's keys; the caller keeps them alive (and disposes them) after this is disposed.</param>
    public CustomerStorage(Catalog catalog, Family family, KeyBundle keys, CustomerOptions options, ILogger? logger = null)
    {
        Catalog = catalog;
        Family = family;
        Keys = keys;
        Options = options;
        Logger = logger ?? NullLogger.Instance;
    }

    public Catalog Catalog { get; }

    public Family Family { get; }

    public TransferRegistry Transfers { get; } = new();

    public CustomerOptions Options { get; }

    internal KeyBundle Keys { get; }

    /// <summary>The owner's public key: what stubs and manifests of this storage are signed with.</summary>
    public IdentityPublicKey OwnerKey => Keys.IdentityKey.PublicKey;

    internal ILogger Logger { get; }

    /// <summary>
    /// Versions lack fragments the rebuild can put back: an upload ended with some supplier short (it timed out, refused, went
    /// offline). The rebuild runs a pass soon instead of at its interval: until then the version is durable but not complete,
    /// so an older version is not pruned and the drive's cache keeps its copy.
    /// </summary>
    public event Action? RebuildWanted;

    internal void WantRebuild() => RebuildWanted?.Invoke();

    /// <summary>
    /// Shows every upload job the catalog kept, and continues those that were not finished — first taking out of them the
    /// copies that are not what was queued (<see cref="DropTornCopies"/>, once per run).
    /// </summary>
    public void ResumeJobs()
    {
        Catalog.PruneUploadJobs(Options.KeptJobs);
        if (Interlocked.Exchange(ref _copiesChecked, 1) == 0)
            DropTornCopies();
        foreach (var job in Catalog.UploadJobs())
        {
            if (Transfers.Find(job.Id) is not null)
                continue;
            var files = Catalog.UploadJobFiles(job.Id);
            var transfer = new Transfer(job.Id, TransferKind.Upload, job.RemotePath, job.LocalPath, job.Started);
            transfer.SetTotals(files.Sum(f => f.Size), files.Count);
            Transfers.Add(transfer);
            if (job.State is TransferState.Complete or TransferState.Failed)
            {
                if (job.State == TransferState.Complete)
                {
                    transfer.AddBytesDone(transfer.BytesTotal);
                    for (var i = 0; i < files.Count; i++)
                        transfer.AddFileDone();
                }
                transfer.MoveTo(job.State, job.Error, job.Finished);
                continue;
            }
            Logger.UploadResumed(job.Id, job.RemotePath);
            Run(token => RunUploadAsync(job, transfer, token));
        }
    }

    /// <summary>
    /// Files queued with the checksum they had when closed (the drive's copies) by a run that ended before they were readable:
    /// a copy that does not match any more — a power cut lost what was not synced — is not uploaded, and the version before it
    /// stays. A version it had begun is taken back from the suppliers.
    /// </summary>
    private void DropTornCopies()
    {
        foreach (var job in Catalog.UploadJobs().Where(j => j.State is not (TransferState.Complete or TransferState.Failed)))
        {
            foreach (var file in Catalog.UploadJobFiles(job.Id))
            {
                if (file.Checksum is not { } closed || file.File is { } begun && Catalog.FindVersion(begun) is { Manifest: not null })
                    continue;
                if (File.Exists(file.LocalPath) && ContentHash.OfFile(file.LocalPath).AsSpan().SequenceEqual(closed))
                    continue;
                Logger.TornCopyDropped(file.RemotePath, file.LocalPath);
                Catalog.ForgetUploadJobFile(job.Id, file.Sequence);
                if (file.File is { } started && Catalog.FindVersion(started) is not null)
                    Run(token => DeleteVersionAsync(started, token));
            }
        }
    }

    /// <summary>
    /// Starts uploading <paramref name="localPath"/> (a file, or a folder and everything under it) as
    /// <paramref name="remotePath"/> (default: its name). Bad paths are an <see cref="ArgumentException"/> saying why.
    /// </summary>
    public Transfer StartUpload(string localPath, string? remotePath)
    {
        if (!Path.IsPathFullyQualified(localPath))
            throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
        var local = Path.TrimEndingDirectorySeparator(Path.GetFullPath(localPath));
        var remote = remotePath ?? RemotePath.DefaultFor(local)
            ?? throw new ArgumentException($"{local} has no name to use as the remote path: give remote_path");
        if (!RemotePath.IsValid(remote, out var problem))
            throw new ArgumentException(problem);
        return StartJob(local, remote, LocalFiles(local, remote));
    }

    /// <summary>
    /// Starts one job uploading each local file as its remote path: how the drive sends the files closed since its last job.
    /// <paramref name="label"/> stands for the job's local side in listings. Bad paths are an <see cref="ArgumentException"/>.
    /// </summary>
    public Transfer StartUpload(IReadOnlyList<(string LocalPath, string RemotePath)> files, string label)
    {
        if (files.Count == 0)
            throw new ArgumentException("an upload job needs at least one file");
        var entries = new List<(string LocalPath, string RemotePath, long Size)>(files.Count);
        foreach (var (localPath, remotePath) in files)
        {
            if (!Path.IsPathFullyQualified(localPath))
                throw new ArgumentException($"local_path must be an absolute path, not \"{localPath}\"");
            if (!RemotePath.IsValid(remotePath, out var problem))
                throw new ArgumentException(problem);
            var info = new FileInfo(localPath);
            if (!info.Exists)
                throw new ArgumentException($"{localPath} does not exist");
            entries.Add((localPath, remotePath, info.Length));
        }
        return StartJob(label, files.Count == 1 ? files[0].RemotePath : $"{files.Count} files", entries);
    }

    private Transfer StartJob(string local, string remote, List<(string LocalPath, string RemotePath, long Size)> files)
    {
        var job = new UploadJobRecord(Transfer.NewId(), local, remote, TransferState.Queued, DateTimeOffset.UtcNow, null, null);
        Catalog.AddUploadJob(job, files);
        var transfer = new Transfer(job.Id, TransferKind.Upload, remote, local, job.Started);
        transfer.SetTotals(files.Sum(f => f.Size), files.Count);
        Transfers.Add(transfer);
        Logger.UploadStarted(job.Id, local, remote, files.Count, transfer.BytesTotal);
        Run(token => RunUploadAsync(job, transfer, token));
        return transfer;
    }

    private static List<(string LocalPath, string RemotePath, long Size)> LocalFiles(string local, string remote)
    {
        if (File.Exists(local))
            return [(local, remote, new FileInfo(local).Length)];
        if (!Directory.Exists(local))
            throw new ArgumentException($"{local} does not exist");
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false,
        };
        var files = new List<(string, string, long)>();
        foreach (var file in new DirectoryInfo(local).EnumerateFiles("*", options).OrderBy(f => f.FullName, StringComparer.Ordinal))
        {
            var path = RemotePath.Join(remote, Path.GetRelativePath(local, file.FullName));
            if (!RemotePath.IsValid(path, out var problem))
                throw new ArgumentException($"{file.FullName} cannot be uploaded: {problem}");
            files.Add((file.FullName, path, file.Length));
        }
        return files;
    }

    private async Task RunUploadAsync(UploadJobRecord job, Transfer transfer, CancellationToken cancellationToken)
    {
        await _uploadSlot.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            transfer.MoveTo(TransferState.Running);
            if (job.State == TransferState.Queued)
                Catalog.SetUploadJobState(job.Id, TransferState.Running);
            await new UploadJob(this, job, transfer).RunAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _uploadSlot.Release();
        }
    }

    /// <summary>Runs a transfer in the background until it ends or the storage is disposed.</summary>
    private void Run(Func<CancellationToken, Task> body)
    {
        var token = _stopping.Token;
        var running = Task.Run(async () =>
        {
            try
            {
                await body(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopping: an upload job stays in the catalog as it is, and the next run resumes it.
            }
        }, CancellationToken.None);
        lock (_running)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(running);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] running;
        lock (_running)
            running = [.. _running];
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
        _uploadSlot.Dispose();
        _downloadSlots.Dispose();
    }
}
