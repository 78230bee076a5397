using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Text;

namespace BitDust.Engine.Network.Transport;

public sealed partial class PeerConnection
{
    private readonly ConcurrentDictionary<uint, PeerStreamWriter> _outgoingStreams = new();
    private readonly ConcurrentDictionary<uint, PeerStreamReader> _incomingStreams = new();
    private int _lastStreamId;
    private uint _lastPeerStreamId;
    private int _incomingStreamCount;

    /// <summary>
    /// Opens a stream to the peer's <paramref name="kind"/> stream handler, with a header it sees first (e.g. which fragment).
    /// Write the data, then <see cref="PeerStreamWriter.CompleteAsync"/>; disposing it unfinished resets the stream.
    /// </summary>
    public async ValueTask<PeerStreamWriter> OpenStreamAsync(string kind, ReadOnlyMemory<byte> header, CancellationToken cancellationToken = default)
    {
        var prefix = MessageKind.Encode(kind);
        if (prefix.Length + header.Length > FrameHeader.MaxPayload)
            throw new ArgumentException($"A {kind} stream header of {header.Length} bytes is over the frame limit.", nameof(header));
        var id = (uint)Interlocked.Add(ref _lastStreamId, 2);
        var writer = new PeerStreamWriter(this, id, kind);
        _outgoingStreams[id] = writer;
        try
        {
            ThrowIfClosed();
            await SendFrameAsync(FrameType.StreamOpen, id, prefix, header, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _outgoingStreams.TryRemove(id, out _);
            throw;
        }
        return writer;
    }

    internal void ForgetStream(PeerStreamWriter writer) => _outgoingStreams.TryRemove(writer.Id, out _);

    internal void ForgetStream(PeerStreamReader reader)
    {
        if (_incomingStreams.TryRemove(reader.Id, out _))
            Interlocked.Decrement(ref _incomingStreamCount);
    }

    internal ValueTask SendResetAsync(uint id, string reason, CancellationToken cancellationToken) =>
        SendFrameAsync(FrameType.StreamReset, id, default, Encoding.UTF8.GetBytes(reason), cancellationToken);

    internal ValueTask SendCreditAsync(uint id, int bytes, CancellationToken cancellationToken)
    {
        var payload = new byte[FrameHeader.CreditLength];
        BinaryPrimitives.WriteInt32BigEndian(payload, bytes);
        return SendFrameAsync(FrameType.StreamCredit, id, default, payload, cancellationToken);
    }

    private bool IsPeerStreamId(uint id) => (id % 2 == 1) != IsDialer;

    private void OnStreamOpen(Frame frame)
    {
        var id = frame.Id;
        if (!IsPeerStreamId(id) || id <= _lastPeerStreamId)
            throw new TransportProtocolException($"stream {id} opened out of order (last was {_lastPeerStreamId})");
        _lastPeerStreamId = id;
        if (!MessageKind.TryDecode(frame.Payload, out var kind, out var header, out var error))
            throw new TransportProtocolException($"stream {id}: {error}");
        if (!_handlers.TryGetStreamHandler(kind, out var handler))
        {
            SendInBackground(FrameType.StreamReset, id, Encoding.UTF8.GetBytes($"no handler for {kind} streams"));
            return;
        }
        if (Interlocked.Increment(ref _incomingStreamCount) > _options.MaxIncomingStreams)
        {
            Interlocked.Decrement(ref _incomingStreamCount);
            SendInBackground(FrameType.StreamReset, id, Encoding.UTF8.GetBytes($"busy: {_options.MaxIncomingStreams} streams open"));
            return;
        }
        var reader = new PeerStreamReader(this, id, kind, header);
        _incomingStreams[id] = reader;
        _ = RunStreamHandlerAsync(reader, handler);
    }

    private async Task RunStreamHandlerAsync(PeerStreamReader reader, StreamHandler handler)
    {
        try
        {
            await Task.Yield();
            await handler(reader, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!_closing.IsCancellationRequested && e is not PeerConnectionClosedException)
        {
            _logger.StreamHandlerFailed(e, reader.Kind, PeerIdentity);
        }
        catch (Exception e) when (e is PeerConnectionClosedException or OperationCanceledException)
        {
            // The connection closed under the handler; the read loop has logged why.
        }
        finally
        {
            await reader.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Data or end for a stream the peer opened. Frames for a stream already closed here are in flight, and dropped.</summary>
    private void OnStreamData(Frame frame)
    {
        if (_incomingStreams.TryGetValue(frame.Id, out var reader))
        {
            if (frame.Type == FrameType.StreamEnd)
                reader.OnEnd();
            else
                reader.OnData(frame.Payload);
        }
        else if (!IsPeerStreamId(frame.Id) || frame.Id > _lastPeerStreamId)
        {
            throw new TransportProtocolException($"{frame.Type} for stream {frame.Id}, which was never opened");
        }
    }

    private void OnStreamReset(Frame frame)
    {
        var reason = DecodeReason(frame.Payload);
        if (IsPeerStreamId(frame.Id))
        {
            if (_incomingStreams.TryGetValue(frame.Id, out var reader))
                reader.OnReset(new IOException($"{this} reset its {reader.Kind} stream: {reason}"));
            else if (frame.Id > _lastPeerStreamId)
                throw new TransportProtocolException($"reset of stream {frame.Id}, which was never opened");
        }
        else if (_outgoingStreams.TryGetValue(frame.Id, out var writer))
        {
            writer.OnReset(new IOException($"{this} reset the {writer.Kind} stream: {reason}"));
        }
        else if (frame.Id > (uint)Volatile.Read(ref _lastStreamId))
        {
            throw new TransportProtocolException($"reset of stream {frame.Id}, which was never opened");
        }
    }

    private void OnStreamCredit(Frame frame)
    {
        var credit = BinaryPrimitives.ReadUInt32BigEndian(frame.Payload);
        if (_outgoingStreams.TryGetValue(frame.Id, out var writer))
            writer.OnCredit(credit);
        else if (IsPeerStreamId(frame.Id) || frame.Id > (uint)Volatile.Read(ref _lastStreamId))
            throw new TransportProtocolException($"credit for stream {frame.Id}, which was never opened");
    }

    private void FailStreams(Exception error)
    {
        foreach (var (_, writer) in _outgoingStreams)
            writer.OnReset(error);
        foreach (var (_, reader) in _incomingStreams)
            reader.OnReset(error);
    }
}
