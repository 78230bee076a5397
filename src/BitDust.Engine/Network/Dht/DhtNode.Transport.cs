using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    /// <summary>Room for one byte more than the largest packet accepted, so an oversized datagram is seen as such.</summary>
    private const int ReceiveBufferLength = 2048;

    private async Task ReceiveLoopAsync(CancellationToken cancellationToken)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferLength);
        EndPoint anyone = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, anyone, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (ObjectDisposedException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // ICMP port-unreachable and oversized datagrams surface here; neither should stop the node.
                Log.SocketError(_logger, e.SocketErrorCode);
                continue;
            }
            var source = (IPEndPoint)received.RemoteEndPoint;
            if (!_rateLimiter.TryAcquire(source.Address))
            {
                Log.RateLimited(_logger, source.Address);
                continue;
            }
            if (received.ReceivedBytes > Bencode.MaxPacketLength)
            {
                Log.DroppedDatagram(_logger, source, received.ReceivedBytes, "over the 1500-byte packet limit");
                continue;
            }
            try
            {
                await HandleDatagramAsync(buffer.AsMemory(0, received.ReceivedBytes), source, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Log.HandlerFailed(_logger, source, e);
            }
        }
    }

    private async Task HandleDatagramAsync(ReadOnlyMemory<byte> datagram, IPEndPoint source, CancellationToken cancellationToken)
    {
        if (!KrpcMessage.TryParse(datagram.Span, out var message, out var error, out _))
        {
            Log.DroppedDatagram(_logger, source, datagram.Length, error);
            return;
        }
        switch (message.Kind)
        {
            case KrpcMessageKind.Query:
                Observe(new DhtContact(message.SenderId!, source), responded: false);
                var reply = AnswerQuery(message, source);
                await SendAsync(reply, source, cancellationToken).ConfigureAwait(false);
                break;
            case KrpcMessageKind.Response or KrpcMessageKind.Error:
                if (message.TransactionId.Length != 2 ||
                    !_pending.TryGetValue(BinaryPrimitives.ReadUInt16BigEndian(message.TransactionId), out var pending) ||
                    !pending.To.Equals(source))
                {
                    Log.DroppedDatagram(_logger, source, datagram.Length, "an answer to no query of ours");
                    return;
                }
                if (message.Kind == KrpcMessageKind.Response)
                    Observe(new DhtContact(message.SenderId!, source), responded: true);
                pending.Completion.TrySetResult(message);
                break;
        }
    }

    /// <summary>
    /// Sends a query and waits for its answer (a response or a KRPC error) at most <see cref="DhtOptions.QueryTimeout"/>,
    /// sending it once more halfway; null when none came. A silent known contact is counted as failed.
    /// </summary>
    private async Task<KrpcMessage?> QueryAsync(IPEndPoint to, string method, BencodeDictionary arguments,
        CancellationToken cancellationToken)
    {
        var transaction = (ushort)Interlocked.Increment(ref _nextTransaction);
        var transactionId = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(transactionId, transaction);
        var pending = new PendingQuery(to, new TaskCompletionSource<KrpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously));
        _pending[transaction] = pending;
        try
        {
            arguments["id"] = NodeId.Bytes;
            var datagram = KrpcMessage.EncodeQuery(transactionId, method, arguments);
            var half = _options.QueryTimeout / 2;
            await SendAsync(datagram, to, cancellationToken).ConfigureAwait(false);
            try
            {
                return await pending.Completion.Task.WaitAsync(half, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // UDP loses datagrams (a full socket buffer during a burst): one resend halfway saves most lost queries.
                await SendAsync(datagram, to, cancellationToken).ConfigureAwait(false);
            }
            return await pending.Completion.Task.WaitAsync(_options.QueryTimeout - half, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _pending.TryRemove(transaction, out _);
        }
    }

    private async Task<KrpcMessage?> QueryAsync(DhtContact to, string method, BencodeDictionary arguments,
        CancellationToken cancellationToken)
    {
        var answer = await QueryAsync(to.EndPoint, method, arguments, cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            lock (_routingLock)
                _routing.RecordFailure(to.Id);
        }
        return answer;
    }

    private async Task SendAsync(byte[] datagram, IPEndPoint to, CancellationToken cancellationToken)
    {
        try
        {
            await _socket.SendToAsync(datagram, SocketFlags.None, to, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            Log.SocketError(_logger, e.SocketErrorCode);
        }
    }
}
