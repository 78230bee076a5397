using System.Collections.Concurrent;
using System.Text;

namespace BitDust.Engine.Network.Transport;

public sealed partial class PeerConnection
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<byte[]>> _pendingRequests = new();
    private int _lastRequestId;
    private int _incomingRequests;

    /// <summary>
    /// Sends a request and waits for its response, at most <see cref="TransportOptions.RequestTimeout"/>.
    /// The payload must fit one frame; larger data goes through <see cref="OpenStreamAsync"/>.
    /// </summary>
    /// <exception cref="PeerRequestException">The peer answered with an error.</exception>
    /// <exception cref="TimeoutException">No response in time.</exception>
    /// <exception cref="PeerConnectionClosedException">The connection closed first.</exception>
    public async Task<byte[]> SendRequestAsync(string kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var prefix = MessageKind.Encode(kind);
        if (prefix.Length + payload.Length > FrameHeader.MaxPayload)
        {
            throw new ArgumentException(
                $"A {kind} request of {payload.Length} bytes is over the {FrameHeader.MaxPayload}-byte frame limit; send it as a stream.",
                nameof(payload));
        }
        var id = (uint)Interlocked.Increment(ref _lastRequestId);
        var response = new TaskCompletionSource<byte[]>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pendingRequests[id] = response;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        try
        {
            // Checked after registering: Close either sees this request and fails it, or has already run and is seen here.
            ThrowIfClosed();
            await SendFrameAsync(FrameType.Request, id, prefix, payload, timeout.Token).ConfigureAwait(false);
            return await response.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{this} did not answer a {kind} request within {_options.RequestTimeout}.");
        }
        finally
        {
            _pendingRequests.TryRemove(id, out _);
        }
    }

    private void OnRequest(Frame frame)
    {
        if (!MessageKind.TryDecode(frame.Payload, out var kind, out var body, out var error))
            throw new TransportProtocolException($"request {frame.Id}: {error}");
        if (Interlocked.Increment(ref _incomingRequests) > _options.MaxIncomingRequests)
        {
            Interlocked.Decrement(ref _incomingRequests);
            SendInBackground(FrameType.RequestError, frame.Id, Encoding.UTF8.GetBytes($"busy: {_options.MaxIncomingRequests} requests running"));
            return;
        }
        _ = HandleRequestAsync(frame.Id, kind, body);
    }

    private async Task HandleRequestAsync(uint id, string kind, ReadOnlyMemory<byte> body)
    {
        try
        {
            var (type, payload) = await AnswerAsync(kind, body).ConfigureAwait(false);
            await SendFrameAsync(type, id, default, payload, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PeerConnectionClosedException or OperationCanceledException && _closing.IsCancellationRequested)
        {
            // Nobody is left to answer; the read loop has logged why the connection closed.
        }
        finally
        {
            Interlocked.Decrement(ref _incomingRequests);
        }
    }

    private async ValueTask<(FrameType Type, byte[] Payload)> AnswerAsync(string kind, ReadOnlyMemory<byte> body)
    {
        if (!_handlers.TryGetRequestHandler(kind, out var handler))
            return (FrameType.RequestError, Encoding.UTF8.GetBytes($"no handler for {kind} requests"));
        byte[] response;
        try
        {
            await Task.Yield();
            response = await handler(new IncomingRequest(this, kind, body), _closing.Token).ConfigureAwait(false);
        }
        catch (RequestRefusedException e)
        {
            return (FrameType.RequestError, EncodeReason(e.Reason));
        }
        catch (Exception e) when (!_closing.IsCancellationRequested)
        {
            _logger.RequestHandlerFailed(e, kind, PeerIdentity);
            return (FrameType.RequestError, Encoding.UTF8.GetBytes($"the {kind} handler failed"));
        }
        if (response.Length > FrameHeader.MaxPayload)
        {
            _logger.ResponseTooLarge(kind, PeerIdentity, response.Length, FrameHeader.MaxPayload);
            return (FrameType.RequestError, Encoding.UTF8.GetBytes($"the {kind} response is over the frame limit"));
        }
        return (FrameType.Response, response);
    }

    private void OnResponse(Frame frame)
    {
        if (TryTakePendingRequest(frame.Id) is { } response)
            response.TrySetResult(frame.Payload);
    }

    private void OnRequestError(Frame frame)
    {
        if (TryTakePendingRequest(frame.Id) is { } response)
        {
            var reason = DecodeReason(frame.Payload);
            response.TrySetException(new PeerRequestException($"{this} refused the request: {reason}", reason));
        }
    }

    /// <summary>
    /// The request an answer belongs to. An answer to a request that timed out or was cancelled is dropped;
    /// an answer to a request never sent is a protocol error.
    /// </summary>
    private TaskCompletionSource<byte[]>? TryTakePendingRequest(uint id)
    {
        if (_pendingRequests.TryRemove(id, out var response))
            return response;
        if (id > (uint)Volatile.Read(ref _lastRequestId))
            throw new TransportProtocolException($"an answer to request {id}, which was never sent");
        return null;
    }

    /// <summary>A refusal's text as UTF-8, cut at a character boundary to fit a request error frame.</summary>
    internal static byte[] EncodeReason(string reason)
    {
        var bytes = Encoding.UTF8.GetBytes(reason);
        if (bytes.Length <= FrameHeader.MaxReasonLength)
            return bytes;
        var end = FrameHeader.MaxReasonLength;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80)
            end--;
        return bytes[..end];
    }

    private void FailRequests(Exception error)
    {
        foreach (var (_, response) in _pendingRequests)
            response.TrySetException(error);
    }
}
