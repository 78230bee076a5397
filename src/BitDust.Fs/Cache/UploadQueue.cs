using BitDust.Engine.Storage.Customer;
using Microsoft.Extensions.Logging;

namespace BitDust.Fs.Cache;

/// <summary>
/// The drive's upload queue: files closed since the last job go up together as one upload job of the customer's storage,
/// which the catalog persists (a crash or power cut resumes it). A copy is durable once k fragments of each of its blocks
/// are stored; a job that fails leaves its copies queued, and they are tried again.
/// </summary>
public sealed partial class UploadQueue : IAsyncDisposable
{
    public const string JobLabel = "drive";

    private readonly CustomerStorage _storage;
    private readonly ILogger _logger;
    private readonly TimeSpan _gather;
    private readonly TimeSpan _retryAfter;
    private readonly Lock _gate = new();
    private readonly List<QueuedUpload> _queued = [];
    private readonly HashSet<LocalContent> _pending = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _watches = [];
    private Task? _loop;
    private string? _lastError;

    public UploadQueue(CustomerStorage storage, ILogger logger, TimeSpan? gather = null, TimeSpan? retryAfter = null)
    {
        _storage = storage;
        _logger = logger;
        _gather = gather ?? TimeSpan.FromMilliseconds(200);
        _retryAfter = retryAfter ?? TimeSpan.FromSeconds(5);
    }

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

    public bool IsPending(LocalContent content)
    {
        lock (_gate)
            return _pending.Contains(content);
    }

    public void Start() => _loop ??= Task.Run(RunAsync);

    /// <summary>Queues a sealed copy; <see cref="QueuedUpload.RemotePath"/> is asked when its job starts (null: it was deleted).</summary>
    public void Enqueue(QueuedUpload upload)
    {
        lock (_gate)
        {
            _queued.Add(upload);
            _pending.Add(upload.Content);
        }
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
                await Task.Delay(_gather, stop).ConfigureAwait(false);
                List<QueuedUpload> batch;
                lock (_gate)
                {
                    batch = [.. _queued];
                    _queued.Clear();
                }
                while (_wake.CurrentCount > 0)
                    await _wake.WaitAsync(stop).ConfigureAwait(false);
                await SendAsync(batch, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(List<QueuedUpload> batch, CancellationToken cancellationToken)
    {
        var files = new List<(string LocalPath, string RemotePath)>();
        var sent = new List<QueuedUpload>();
        foreach (var upload in batch.Distinct())
        {
            var remotePath = upload.RemotePath();
            if (upload.Content.IsDiscarded || remotePath is null)
            {
                Drop(upload.Content);
                continue;
            }
            upload.Content.EnterJob();
            files.Add((upload.Content.Path, remotePath));
            sent.Add(upload);
        }
        if (files.Count == 0)
            return;
        Transfer transfer;
        try
        {
            transfer = _storage.StartUpload(files, JobLabel);
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
        {
            foreach (var upload in sent)
                upload.Content.LeaveJob();
            Failed(sent, e.Message);
            return;
        }
        Log.JobStarted(_logger, transfer.Id, files.Count, files.Sum(f => new FileInfo(f.LocalPath).Length));
        // One job at a time: files closed meanwhile gather into the next, larger one.
        await WatchAsync(transfer, sent).WaitAsync(cancellationToken).ConfigureAwait(false);
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
        var versions = _storage.Catalog.UploadJobFiles(transfer.Id)
            .ToDictionary(f => f.LocalPath, f => f.File, StringComparer.Ordinal);
        var failed = new List<QueuedUpload>();
        foreach (var upload in uploads)
        {
            if (versions.GetValueOrDefault(upload.Content.Path) is { } file && _storage.Catalog.FindVersion(file) is { Manifest: not null } version)
            {
                upload.Content.MarkDurable(version);
                lock (_gate)
                    _pending.Remove(upload.Content);
                upload.Durable?.Invoke(version);
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
            Failed(failed, transfer.Error ?? "the upload did not become durable");
        else
            SetLastError(null);
        _ = transfer.WhenFinished.ContinueWith(_ =>
        {
            foreach (var upload in uploads)
                upload.Content.LeaveJob();
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Failed(IReadOnlyList<QueuedUpload> uploads, string reason)
    {
        SetLastError(reason);
        Log.JobFailed(_logger, uploads.Count, reason, _retryAfter.TotalSeconds);
        foreach (var upload in uploads)
            upload.Content.MarkFailed(reason);
        _ = Task.Delay(_retryAfter, _stopping.Token).ContinueWith(t =>
        {
            if (t.IsCanceled)
                return;
            foreach (var upload in uploads)
            {
                if (upload.Content.IsDiscarded)
                    Drop(upload.Content);
                else
                    Enqueue(upload);
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Drop(LocalContent content)
    {
        lock (_gate)
            _pending.Remove(content);
        content.MarkFailed("the file was deleted before its upload");
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
        if (_loop is not null)
            await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Task[] watches;
        lock (_gate)
            watches = [.. _watches];
        await Task.WhenAll(watches).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stopping.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "drive upload {Job}: {Files} closed files, {Bytes} bytes")]
        public static partial void JobStarted(ILogger logger, string job, int files, long bytes);

        [LoggerMessage(Level = LogLevel.Warning, Message = "drive upload of {Files} files failed: {Reason}; trying again in {Seconds} s")]
        public static partial void JobFailed(ILogger logger, int files, string reason, double seconds);
    }
}

/// <summary>
/// A sealed copy waiting for upload. <paramref name="RemotePath"/> gives the file's path when its job starts (null once the
/// file was deleted); <paramref name="Durable"/> is told the version once it is durable.
/// </summary>
public sealed record QueuedUpload(LocalContent Content, Func<string?> RemotePath, Action<CatalogVersion>? Durable = null);
