namespace BitDust.Engine.Network.Transport;

/// <summary>
/// The sending end of a stream. A write waits while the stream has no credit, so a sender can never be further ahead
/// of the receiving application than <see cref="FrameHeader.StreamWindow"/> bytes. One writer at a time.
/// </summary>
public sealed class PeerStreamWriter : Stream
{
    private readonly PeerConnection _connection;
    private readonly Lock _lock = new();
    private long _credit = FrameHeader.StreamWindow;
    private TaskCompletionSource _creditChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private bool _finished;

    internal PeerStreamWriter(PeerConnection connection, uint id, string kind)
    {
        _connection = connection;
        Id = id;
        Kind = kind;
    }

    public string Kind { get; }

    public PeerConnection Connection => _connection;

    internal uint Id { get; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        while (!buffer.IsEmpty)
        {
            var length = await TakeCreditAsync(Math.Min(buffer.Length, FrameHeader.MaxStreamData), cancellationToken).ConfigureAwait(false);
            await _connection.SendFrameAsync(FrameType.StreamData, Id, default, buffer[..length], cancellationToken).ConfigureAwait(false);
            buffer = buffer[length..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Ends the stream cleanly: the receiver reads to its end.</summary>
    public async ValueTask CompleteAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        lock (_lock)
        {
            if (_failure is not null)
                throw _failure;
        }
        _finished = true;
        _connection.ForgetStream(this);
        await _connection.SendFrameAsync(FrameType.StreamEnd, Id, default, default, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Resets a stream not completed, so the receiver never mistakes a cut-off stream for a whole one.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_finished)
            return;
        _finished = true;
        _connection.ForgetStream(this);
        bool failed;
        lock (_lock)
            failed = _failure is not null;
        if (!failed && _connection.IsConnected)
        {
            try
            {
                await _connection.SendResetAsync(Id, "the sender abandoned the stream", CancellationToken.None).ConfigureAwait(false);
            }
            catch (PeerConnectionClosedException)
            {
                // The connection closed meanwhile, which ends the stream for the receiver too.
            }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A peer stream is written with WriteAsync.");

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    internal void OnCredit(uint bytes)
    {
        lock (_lock)
        {
            // The receiver only grants what its application consumed, so credit can never exceed one window.
            if (_credit + bytes > FrameHeader.StreamWindow)
                throw new TransportProtocolException($"credit of {bytes} for stream {Id} overfills its {FrameHeader.StreamWindow}-byte window");
            _credit += bytes;
            SignalLocked();
        }
    }

    internal void OnReset(Exception error)
    {
        lock (_lock)
        {
            _failure ??= error;
            SignalLocked();
        }
    }

    private async ValueTask<int> TakeCreditAsync(int wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (_failure is not null)
                    throw _failure;
                if (_credit > 0)
                {
                    var granted = (int)Math.Min(_credit, wanted);
                    _credit -= granted;
                    return granted;
                }
                changed = _creditChanged.Task;
            }
            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void SignalLocked()
    {
        var changed = _creditChanged;
        _creditChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }
}
