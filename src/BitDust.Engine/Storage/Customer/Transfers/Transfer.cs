namespace BitDust.Engine.Storage.Customer.Transfers;

/// <summary>
/// One upload, download or rebuild as <c>/transfer/list/v1</c> shows it. Progress counters are updated from many threads;
/// the state only moves forward, and <see cref="WhenDurable"/> / <see cref="WhenFinished"/> let a caller wait for it.
/// </summary>
public sealed class Transfer
{
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _gate = new();
    private long _bytesTotal;
    private long _bytesDone;
    private int _filesTotal;
    private int _filesDone;
    private long _fragmentsSent;

    public Transfer(string id, TransferKind kind, string remotePath, string localPath, DateTimeOffset started)
    {
        Id = id;
        Kind = kind;
        RemotePath = remotePath;
        LocalPath = localPath;
        Started = started;
    }

    public string Id { get; }

    public TransferKind Kind { get; }

    public string RemotePath { get; }

    public string LocalPath { get; }

    public DateTimeOffset Started { get; }

    public TransferState State { get; private set; } = TransferState.Queued;

    public string? Error { get; private set; }

    public DateTimeOffset? Finished { get; private set; }

    public long BytesTotal => Interlocked.Read(ref _bytesTotal);

    public long BytesDone => Interlocked.Read(ref _bytesDone);

    public int FilesTotal => Volatile.Read(ref _filesTotal);

    public int FilesDone => Volatile.Read(ref _filesDone);

    /// <summary>Fragments this transfer put to suppliers (not those a resumed upload found already stored).</summary>
    public long FragmentsSent => Interlocked.Read(ref _fragmentsSent);

    /// <summary>Completes when the transfer is durable (uploads), complete or failed: the point a waiting user may go.</summary>
    public Task WhenDurable => _durable.Task;

    /// <summary>Completes when the transfer is complete or failed.</summary>
    public Task WhenFinished => _finished.Task;

    public static string NewId() => Guid.NewGuid().ToString("N")[..16];

    public void SetTotals(long bytes, int files)
    {
        Interlocked.Exchange(ref _bytesTotal, bytes);
        Volatile.Write(ref _filesTotal, files);
    }

    public void AddBytesDone(long bytes) => Interlocked.Add(ref _bytesDone, bytes);

    public void AddFileDone() => Interlocked.Increment(ref _filesDone);

    public void AddFragmentSent() => Interlocked.Increment(ref _fragmentsSent);

    /// <summary>Moves to <paramref name="state"/> unless the transfer is already there or past it; false when it was.</summary>
    public bool MoveTo(TransferState state, string? error = null, DateTimeOffset? at = null)
    {
        lock (_gate)
        {
            if (IsFinal(State) || state <= State)
                return false;
            State = state;
            if (state == TransferState.Failed)
                Error = error;
            if (IsFinal(state))
                Finished = at ?? DateTimeOffset.UtcNow;
        }
        if (state >= TransferState.Durable)
            _durable.TrySetResult();
        if (IsFinal(state))
            _finished.TrySetResult();
        return true;
    }

    private static bool IsFinal(TransferState state) => state is TransferState.Complete or TransferState.Failed;
}
