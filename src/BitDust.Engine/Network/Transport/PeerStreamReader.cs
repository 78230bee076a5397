using System.Threading.Channels;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// The receiving end of a stream a peer opened. Data frames queue here, at most one window of them; credit goes back to
/// the sender only as the application reads, so a slow reader slows the sender instead of filling memory.
/// </summary>
public sealed class PeerStreamReader : Stream
{
    private readonly PeerConnection _connection;
    private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>(new() { SingleReader = true, SingleWriter = true });
    private readonly Lock _lock = new();
    private ReadOnlyMemory<byte> _current;
    private long _receivedBeyondGranted = -FrameHeader.StreamWindow;
    private long _buffered;
    private long _peakBuffered;
    private int _consumedNotGranted;
    private bool _ended;
    private bool _reset;
    private bool _disposed;

    internal PeerStreamReader(PeerConnection connection, uint id, string kind, ReadOnlyMemory<byte> header)
    {
        _connection = connection;
        Id = id;
        Kind = kind;
        Header = header;
    }

    public string Kind { get; }

    /// <summary>What the opener sent with the stream, e.g. which fragment follows.</summary>
    public ReadOnlyMemory<byte> Header { get; }

    public PeerConnection Connection => _connection;

    internal uint Id { get; }

    /// <summary>The most bytes this stream ever held waiting for the application.</summary>
    internal long PeakBufferedBytes
    {
        get
        {
            lock (_lock)
                return _peakBuffered;
        }
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return 0;
        if (_current.IsEmpty)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                return 0;
            _chunks.Reader.TryRead(out var chunk);
            _current = chunk;
        }
        var length = Math.Min(buffer.Length, _current.Length);
        _current[..length].CopyTo(buffer);
        _current = _current[length..];
        lock (_lock)
            _buffered -= length;
        _consumedNotGranted += length;
        // Granting in half-window steps keeps the sender busy without a credit frame per read.
        if (_consumedNotGranted >= FrameHeader.StreamWindow / 2)
        {
            var grant = _consumedNotGranted;
            _consumedNotGranted = 0;
            lock (_lock)
                _receivedBeyondGranted -= grant;
            await _connection.SendCreditAsync(Id, grant, cancellationToken).ConfigureAwait(false);
        }
        return length;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Resets the stream unless it was read to its end, so the sender stops.</summary>
    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        _connection.ForgetStream(this);
        bool open;
        lock (_lock)
            open = !_ended && !_reset;
        if (open && _connection.IsConnected)
        {
            try
            {
                await _connection.SendResetAsync(Id, "the receiver closed the stream", CancellationToken.None).ConfigureAwait(false);
            }
            catch (PeerConnectionClosedException)
            {
                // The connection closed meanwhile, which ends the stream for the sender too.
            }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    public override int Read(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("A peer stream is read with ReadAsync.");

    public override void Flush() => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>From the read loop: bytes beyond the granted credit break the protocol.</summary>
    internal void OnData(byte[] data)
    {
        lock (_lock)
        {
            if (_ended)
                throw new TransportProtocolException($"data after the end of stream {Id}");
            _receivedBeyondGranted += data.Length;
            if (_receivedBeyondGranted > 0)
                throw new TransportProtocolException($"stream {Id} sent {_receivedBeyondGranted} bytes beyond its credit");
            _buffered += data.Length;
            _peakBuffered = Math.Max(_peakBuffered, _buffered);
        }
        _chunks.Writer.TryWrite(data);
    }

    internal void OnEnd()
    {
        lock (_lock)
        {
            if (_ended)
                throw new TransportProtocolException($"a second end of stream {Id}");
            _ended = true;
        }
        _chunks.Writer.TryComplete();
    }

    internal void OnReset(Exception error)
    {
        lock (_lock)
            _reset = true;
        _chunks.Writer.TryComplete(error);
    }
}
