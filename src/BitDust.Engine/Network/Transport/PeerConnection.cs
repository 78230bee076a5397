using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using BitDust.Engine.Crypto;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// One authenticated TLS connection with a peer, carrying many requests and streams at once in either direction.
/// A single loop reads frames and never waits on a write or on the application, so a slow handler or reader holds up
/// only itself; writes take turns under a lock, one whole frame each.
/// </summary>
public sealed partial class PeerConnection : IAsyncDisposable
{
    private readonly SslStream _ssl;
    private readonly FrameReader _reader;
    private readonly TransportHandlers _handlers;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private readonly Task _keepAliveLoop;
    private int _closeState;
    private string _closeReason = "";

    private PeerConnection(
        SslStream ssl, FrameReader reader, string peerIdentity, IdentityPublicKey peerKey, EndPoint? remoteEndPoint, bool isDialer,
        TransportHandlers handlers, TransportOptions options, ILogger logger)
    {
        _ssl = ssl;
        _reader = reader;
        PeerIdentity = peerIdentity;
        PeerKey = peerKey;
        RemoteEndPoint = remoteEndPoint;
        IsDialer = isDialer;
        TlsProtocol = ssl.SslProtocol;
        _handlers = handlers;
        _options = options;
        _logger = logger;
        // Dialers number their streams odd, acceptors even, so a stream id alone says who opened it.
        _lastStreamId = isDialer ? -1 : 0;
        _lastReceived = Environment.TickCount64;
        _readLoop = ReadLoopAsync();
        _keepAliveLoop = KeepAliveLoopAsync();
        _logger.PeerConnected(peerIdentity, remoteEndPoint, isDialer ? "dialed" : "accepted");
    }

    /// <summary>The peer's identity, authenticated by its key.</summary>
    public string PeerIdentity { get; }

    public IdentityPublicKey PeerKey { get; }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>True when this node dialed the connection.</summary>
    public bool IsDialer { get; }

    internal SslProtocols TlsProtocol { get; }

    public bool IsConnected => Volatile.Read(ref _closeState) == 0;

    /// <summary>Completes when the connection has closed, for whatever reason.</summary>
    public Task Completion => _closed.Task;

    public async ValueTask DisposeAsync()
    {
        Close("closed by this node");
        await _readLoop.ConfigureAwait(false);
        await _keepAliveLoop.ConfigureAwait(false);
    }

    public override string ToString() => $"{PeerIdentity} at {RemoteEndPoint}";

    /// <summary>Sends one frame; a write that fails or is cut off leaves the stream mid-frame, so it closes the connection.</summary>
    internal async ValueTask SendFrameAsync(
        FrameType type, uint id, ReadOnlyMemory<byte> prefix, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            await FrameWriter.WriteAsync(_ssl, type, id, prefix, payload, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException
                                  && e is not PeerConnectionClosedException)
        {
            Close($"a write failed: {e.Message}");
            throw ClosedException(e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends a frame from the read loop without waiting for it, so the loop never blocks on a peer that does not read.</summary>
    private void SendInBackground(FrameType type, uint id, ReadOnlyMemory<byte> payload) => _ = SendQuietlyAsync(type, id, payload);

    private async Task SendQuietlyAsync(FrameType type, uint id, ReadOnlyMemory<byte> payload)
    {
        try
        {
            await SendFrameAsync(type, id, default, payload, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is PeerConnectionClosedException or OperationCanceledException)
        {
            // The connection is closed and SendFrameAsync or the read loop has logged why.
        }
    }

    private void ThrowIfClosed()
    {
        if (!IsConnected)
            throw ClosedException(null);
    }

    private PeerConnectionClosedException ClosedException(Exception? cause) =>
        new($"The connection with {this} is closed: {Volatile.Read(ref _closeReason)}.", cause);

    /// <summary>Closes at once: fails every pending request and stream. Idempotent; the first reason is the one logged.</summary>
    private void Close(string reason)
    {
        Volatile.Write(ref _closeReason, reason);
        if (Interlocked.Exchange(ref _closeState, 1) != 0)
            return;
        _logger.ConnectionClosed(PeerIdentity, RemoteEndPoint, reason);
        _closing.Cancel();
        _ssl.Dispose();
        var error = ClosedException(null);
        FailRequests(error);
        FailStreams(error);
        _closed.TrySetResult();
    }

    private async Task ReadLoopAsync()
    {
        // Let the constructor finish before the first frame is handled.
        await Task.Yield();
        var reason = "the peer closed the connection";
        try
        {
            while (await _reader.ReadAsync(_closing.Token).ConfigureAwait(false) is { } frame)
            {
                Volatile.Write(ref _lastReceived, Environment.TickCount64);
                Dispatch(frame);
            }
        }
        catch (TransportProtocolException e)
        {
            _logger.ProtocolError(PeerIdentity, RemoteEndPoint, e.Message);
            reason = $"protocol error: {e.Message}";
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = "closed by this node";
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            reason = $"the connection broke: {e.Message}";
        }
        finally
        {
            Close(reason);
            await _reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private void Dispatch(Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Request:
                OnRequest(frame);
                break;
            case FrameType.Response:
                OnResponse(frame);
                break;
            case FrameType.RequestError:
                OnRequestError(frame);
                break;
            case FrameType.StreamOpen:
                OnStreamOpen(frame);
                break;
            case FrameType.StreamData:
            case FrameType.StreamEnd:
                OnStreamData(frame);
                break;
            case FrameType.StreamReset:
                OnStreamReset(frame);
                break;
            case FrameType.StreamCredit:
                OnStreamCredit(frame);
                break;
            case FrameType.Ping:
                SendInBackground(FrameType.Pong, 0, frame.Payload);
                break;
            case FrameType.Pong:
                break;
            default:
                throw new TransportProtocolException($"a {frame.Type} frame after the handshake");
        }
    }

    private static string DecodeReason(byte[] payload) => System.Text.Encoding.UTF8.GetString(payload);
}
