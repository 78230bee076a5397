using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Cache;

/// <summary>
/// The drive's upload queue: files closed since the last job go up together as one upload job of the customer's storage,
/// which the catalog persists (a crash or power cut resumes it). A batch's copies are synced to disk before its job starts.
/// A copy is pending until its version is durable (k plus the durable margin of fragments of each block); a job that fails
/// leaves its copies queued, and they are tried again — except those whose version is readable already, which wait for the
/// rebuild to make it durable rather than go up again.
/// </summary>
public sealed partial class UploadQueue : IAsyncDisposable
{
    public const string JobLabel = "drive";

    /// <summary>Where the drive keeps deleted files (hidden) until their versions are deleted.</summary>
    public const string TrashFolder = ".bitdust-trash";

    private const string TrashPrefix = TrashFolder + "/";

    private readonly CustomerStorage _storage;
    private readonly ILogger _logger;
    private readonly TimeSpan _quiet;
    private readonly TimeSpan _gatherAtMost;
    private long _lastEnqueued;
    private int _completing;
    private volatile bool _now;
    private readonly TimeSpan _retryAfter;
    private readonly Lock _gate = new();
    private readonly List<QueuedUpload> _queued = [];
    private UploadBatch? _batch;
    private readonly HashSet<LocalContent> _pending = [];
    private readonly Dictionary<LocalContent, string> _paths = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _watches = [];
    private readonly Dictionary<LocalContent, (FileVersion Version, QueuedUpload Upload)> _awaiting = [];
    private readonly SemaphoreSlim _versionsChanged = new(0);
    private Task? _awaitLoop;
    private Task? _loop;
    private string? _lastError;

    /// <summary>Bytes a batch gathers at most before it starts, even while files keep being closed.</summary>
    public const long BatchBytes = 256L << 20;

    /// <summary>
    /// A batch starts once no file was closed for <paramref name="quiet"/> (default 1 s), after <paramref name="gatherAtMost"/>
    /// (default 5 s) or <see cref="BatchBytes"/> at the latest, or at once when someone waits for it (fsync, unmount): a burst
    /// of small files (cp -r, tar x) is closed at local speed before its upload takes the CPU, and goes up as one job.
    /// </summary>
    public UploadQueue(CustomerStorage storage, ILogger logger, TimeSpan? quiet = null, TimeSpan? gatherAtMost = null,
        TimeSpan? retryAfter = null)
    {
        _storage = storage;
        _logger = logger;
        _quiet = quiet ?? TimeSpan.FromSeconds(1);
        _gatherAtMost = gatherAtMost ?? TimeSpan.FromSeconds(5);
        _retryAfter = retryAfter ?? TimeSpan.FromSeconds(5);
    }

    /// <summary>
    /// Jobs durable already and still storing their other fragments: their copies may be evicted once the job ends (a copy
    /// goes only when its version is complete), so a writer waiting for room waits for them too.
    /// </summary>
    public bool Completing => Volatile.Read(ref _completing) > 0;

    /// <summary>Copies closed but not durable yet.</summary>
    public int PendingFiles
    {
        get
        {
            lock (_gate)
                return _pending.Count;
        }
    }

    /// <summary>Bytes of the copies closed but not durable yet.</summary>
    public long PendingBytes
    {
        get
        {
            lock (_gate)
                return _pending.Sum(c => c.Length);
        }
    }

    /// <summary>Why the last job failed, while its files wait for the next try.</summary>
    public string? LastError
    {
        get
        {
            lock (_gate)
                return _lastError;
        }
    }

    /// <summary>Where the pending copies were going when they were queued (a later rename is not shown).</summary>
    public IReadOnlyList<string> PendingPaths()
    {
        lock (_gate)
            return [.. _pending.Select(c => _paths.GetValueOrDefault(c, "?")).Order(StringComparer.Ordinal)];
    }

    public bool IsPending(LocalContent content)
    {
        lock (_gate)
            return _pending.Contains(content);
    }

    public void Start()
    {
        if (_loop is not null)
            return;
        _storage.Catalog.Changed += OnCatalogChanged;
        _loop = Task.Run(RunAsync);
        _awaitLoop = Task.Run(AwaitDurableAsync);
    }

    private void OnCatalogChanged()
    {
        if (_versionsChanged.CurrentCount == 0)
            _versionsChanged.Release();
    }

    /// <summary>
    /// Queues a sealed copy to be uploaded as <paramref name="remotePath"/>. It is recorded in the catalog at once (a crash
    /// from here on loses nothing), with the checksum of its bytes (<paramref name="checksum"/>, else taken now; a power cut
    /// that tears the copy before the batch is synced is found by it), in the batch the next job will send; renames and
    /// deletes that follow are applied to the catalog's record of it.
    /// </summary>
    public void Enqueue(LocalContent content, string remotePath, Action<CatalogVersion>? durable, byte[]? checksum = null)
    {
        checksum ??= ContentHash.OfFile(content.Path);
        lock (_gate)
        {
            _batch ??= _storage.BeginBatch(JobLabel);
            _storage.AddToBatch(_batch, content.Path, remotePath, checksum);
            CrashPoint.Pass(CrashPoint.CopyQueued);
            content.EnterJob();
            _queued.Add(new QueuedUpload(content, durable, remotePath));
            _paths[content] = remotePath;
            _pending.Add(content);
        }
        Interlocked.Exchange(ref _lastEnqueued, Environment.TickCount64);
        Wake();
    }

    /// <summary>Starts what is queued without waiting for a quiet moment: someone waits for it to be durable.</summary>
    public void StartNow()
    {
        _now = true;
        Wake();
    }

    private void Wake()
    {
        if (_wake.CurrentCount == 0)
            _wake.Release();
    }

    /// <summary>
    /// Takes over a job a previous run started (the storage resumed it): its copies count as pending until the job says they
    /// are durable.
    /// </summary>
    public void Adopt(Transfer transfer, IReadOnlyList<QueuedUpload> uploads)
    {
        lock (_gate)
        {
            foreach (var upload in uploads)
            {
                _pending.Add(upload.Content);
                upload.Content.EnterJob();
            }
            _watches.Add(Task.Run(() => WatchAsync(transfer, uploads)));
        }
    }

    /// <summary>Waits until nothing is pending, reporting the bytes left as they go down.</summary>
    public async Task FlushAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        StartNow();
        while (true)
        {
            var left = PendingBytes;
            progress?.Report(left);
            if (PendingFiles == 0)
                return;
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var stop = _stopping.Token;
        try
        {
            while (true)
            {
                await _wake.WaitAsync(stop).ConfigureAwait(false);
                await GatherAsync(stop).ConfigureAwait(false);
                UploadBatch? batch;
                List<QueuedUpload> sent;
                lock (_gate)
                {
                    (batch, _batch) = (_batch, null);
                    sent = [.. _queued];
                    _queued.Clear();
                }
                if (batch is null)
                    continue;
                // What a power cut would lose of these copies is on disk before their upload starts; the job's start is then
                // written durably to the catalog, with the batch's files.
                SyncToDisk(sent);
                CrashPoint.Pass(CrashPoint.BatchSynced);
                var transfer = _storage.StartBatch(batch);
                Log.JobStarted(_logger, transfer.Id, batch.Count, batch.Bytes);
                // One job at a time: files closed meanwhile gather into the next, larger one.
                await WatchAsync(transfer, sent).WaitAsync(stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// fdatasync of every copy of a batch, 16 at a time: the file system commits concurrent syncs together (2,000 small files
    /// here: 0.19 s, as one syncfs takes, against 0.6 s one by one), and only these files are flushed. A copy deleted
    /// meanwhile needs none.
    /// </summary>
    private static void SyncToDisk(IReadOnlyList<QueuedUpload> copies) =>
        Parallel.ForEach(copies, new ParallelOptions { MaxDegreeOfParallelism = 16 }, copy =>
        {
            try
            {
                using var file = new FileStream(copy.Content.Path, FileMode.Open, FileAccess.ReadWrite,
                    FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
                file.Flush(flushToDisk: true);
            }
            catch (FileNotFoundException)
            {
            }
        });

    /// <summary>Waits until the batch should start: a quiet moment, its time or size limit, or <see cref="StartNow"/>.</summary>
    private async Task GatherAsync(CancellationToken cancellationToken)
    {
        var since = Environment.TickCount64;
        while (!_now)
        {
            var now = Environment.TickCount64;
            long bytes;
            lock (_gate)
                bytes = _batch?.Bytes ?? 0;
            if (now - Interlocked.Read(ref _lastEnqueued) >= _quiet.TotalMilliseconds || now - since >= _gatherAtMost.TotalMilliseconds ||
                bytes >= BatchBytes)
                break;
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
        _now = false;
    }

    private async Task WatchAsync(Transfer transfer, IReadOnlyList<QueuedUpload> uploads)
    {
        try
        {
            await transfer.WhenDurable.WaitAsync(_stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }
        if (!transfer.WhenFinished.IsCompleted)
        {
            Interlocked.Increment(ref _completing);
            _ = transfer.WhenFinished.ContinueWith(_ => Interlocked.Decrement(ref _completing), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        var versions = _storage.Catalog.UploadJobFiles(transfer.Id)
            .ToDictionary(f => f.LocalPath, f => f.File, StringComparer.Ordinal);
        var failed = new List<QueuedUpload>();
        var durable = new List<LocalContent>();
        foreach (var upload in uploads)
        {
            var version = versions.GetValueOrDefault(upload.Content.Path) is { } file ? _storage.Catalog.FindVersion(file) : null;
            if (version is { State: VersionState.Durable or VersionState.Complete })
            {
                Durable(upload, version);
                durable.Add(upload.Content);
            }
            else if (version is { State: VersionState.Readable } && !upload.Content.IsDiscarded)
            {
                // Readable already: it stays pending (fsync says EIO now) until the rebuild makes it durable; no new upload.
                upload.Content.MarkFailed(transfer.Error ?? "the upload did not become durable");
                lock (_gate)
                    _awaiting[upload.Content] = (version.File, upload);
                OnCatalogChanged();
            }
            else if (upload.Content.IsDiscarded || !versions.ContainsKey(upload.Content.Path))
            {
                // Deleted while queued: the job skipped it.
                Drop(upload.Content);
            }
            else
            {
                failed.Add(upload);
            }
        }
        if (failed.Count > 0)
            Failed(transfer.Id, failed, transfer.Error ?? "the upload did not become durable");
        else
            SetLastError(null);
        // A durable job reads its local files no more (what it still sends is encoded in memory): they may go. Only then
        // are they no longer pending, so a writer waiting for room never sees "nothing pending" while their bytes still count.
        foreach (var upload in uploads)
            upload.Content.LeaveJob();
        lock (_gate)
        {
            foreach (var content in durable)
                Settle(content);
        }
    }

    /// <summary>The owner hears first (it sets what eviction does), then the copy counts as durable.</summary>
    private static void Durable(QueuedUpload upload, CatalogVersion version)
    {
        upload.Durable?.Invoke(version);
        upload.Content.MarkDurable(version);
    }

    /// <summary>
    /// Copies whose version is readable but not durable: each settles once the rebuild made it durable, or is queued again if
    /// the version went away. Looks after every catalog change, and every few seconds.
    /// </summary>
    private async Task AwaitDurableAsync()
    {
        var stop = _stopping.Token;
        try
        {
            while (true)
            {
                await _versionsChanged.WaitAsync(TimeSpan.FromSeconds(5), stop).ConfigureAwait(false);
                List<(LocalContent Content, FileVersion Version, QueuedUpload Upload)> awaiting;
                lock (_gate)
                    awaiting = [.. _awaiting.Select(a => (a.Key, a.Value.Version, a.Value.Upload))];
                foreach (var (content, file, upload) in awaiting)
                {
                    var version = _storage.Catalog.FindVersion(file);
                    if (version is { State: VersionState.Readable } && !content.IsDiscarded)
                        continue;
                    lock (_gate)
                        _awaiting.Remove(content);
                    if (content.IsDiscarded)
                    {
                        Drop(content);
                    }
                    else if (version is not null)
                    {
                        Durable(upload, version);
                        lock (_gate)
                            Settle(content);
                    }
                    else
                    {
                        string? path;
                        lock (_gate)
                        {
                            path = _paths.GetValueOrDefault(content);
                            Settle(content);
                        }
                        if (path is null)
                            Drop(content);
                        else
                            Enqueue(content, path, upload.Durable);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Failed(string jobId, IReadOnlyList<QueuedUpload> uploads, string reason)
    {
        SetLastError(reason);
        Log.JobFailed(_logger, uploads.Count, reason, _retryAfter.TotalSeconds);
        foreach (var upload in uploads)
            upload.Content.MarkFailed(reason);
        _ = Task.Delay(_retryAfter, _stopping.Token).ContinueWith(t =>
        {
            if (t.IsCanceled)
                return;
            // The job's record follows renames and deletes, so it names where each file is now.
            var files = _storage.Catalog.UploadJobFiles(jobId).ToDictionary(f => f.LocalPath, f => f.RemotePath, StringComparer.Ordinal);
            foreach (var upload in uploads)
            {
                if (upload.Content.IsDiscarded || files.GetValueOrDefault(upload.Content.Path) is not { } remotePath ||
                    remotePath.StartsWith(TrashPrefix, StringComparison.Ordinal))
                {
                    Drop(upload.Content);
                    continue;
                }
                lock (_gate)
                    Settle(upload.Content);
                Enqueue(upload.Content, remotePath, upload.Durable);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Drop(LocalContent content)
    {
        lock (_gate)
            Settle(content);
        content.MarkFailed("the file was deleted before its upload");
    }

    /// <summary>The copy is no longer pending. Caller holds the lock.</summary>
    private void Settle(LocalContent content)
    {
        _pending.Remove(content);
        _paths.Remove(content);
    }

    private void SetLastError(string? error)
    {
        lock (_gate)
            _lastError = error;
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _storage.Catalog.Changed -= OnCatalogChanged;
        if (_loop is not null)
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_awaitLoop is not null)
            await _awaitLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Files closed since the last job go up without the drive: the storage runs the job on its own.
        UploadBatch? open;
        lock (_gate)
            (open, _batch) = (_batch, null);
        if (open is not null)
            _storage.StartBatch(open);
        Task[] watches;
        lock (_gate)
            watches = [.. _watches];
        await Task.WhenAll(watches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5201, Level = LogLevel.Information, Message = "drive upload {Job}: {Files} closed files, {Bytes} bytes")]
        public static partial void JobStarted(ILogger logger, string job, int files, long bytes);

        [LoggerMessage(EventId = 5202, Level = LogLevel.Warning,
            Message = "drive upload of {Files} files failed: {Reason}; trying again in {Seconds} s")]
        public static partial void JobFailed(ILogger logger, int files, string reason, double seconds);
    }
}

/// <summary>A sealed copy being uploaded; <paramref name="Durable"/> is told the version once it is durable.</summary>
public sealed record QueuedUpload(LocalContent Content, Action<CatalogVersion>? Durable = null, string? RemotePath = null);
