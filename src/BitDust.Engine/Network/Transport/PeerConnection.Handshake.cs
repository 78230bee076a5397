using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Transport;

public sealed partial class PeerConnection
{
    private static readonly StreamPipeReaderOptions PipeOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024);

    /// <summary>
    /// Dials <paramref name="peer"/>: TCP, TLS 1.3 with both certificates, then checks that the peer's key is the one in
    /// its identity document before saying hello, and waits for the peer to accept ours.
    /// </summary>
    /// <exception cref="PeerAuthenticationException">The peer presented another key, or refused our identity.</exception>
    public static async Task<PeerConnection> ConnectAsync(
        PeerContact peer, TransportCredentials credentials, TransportHandlers handlers, TransportOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= TransportOptions.Default;
        logger ??= NullLogger.Instance;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(peer.EndPoint, timeout.Token).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(TransportHandshake.ClientOptions(credentials), timeout.Token).ConfigureAwait(false);
            var presented = TransportHandshake.PresentedKey(ssl);
            if (!peer.PublicKey.Equals(presented))
            {
                var fingerprint = presented?.Fingerprint ?? "(not a P-256 identity key)";
                logger.PeerKeyMismatch(peer.Identity, peer.EndPoint, fingerprint, peer.PublicKey.Fingerprint);
                throw new PeerAuthenticationException(
                    $"{peer.Identity} at {peer.EndPoint} presented key {fingerprint}, not {peer.PublicKey.Fingerprint} of its identity " +
                    "document: someone else answers at that address. Fetch its identity document again.");
            }
            await FrameWriter.WriteAsync(ssl, FrameType.Hello, 0, default, credentials.EncodedIdentity, timeout.Token).ConfigureAwait(false);
            var reader = new FrameReader(PipeReader.Create(ssl, PipeOptions));
            var ack = await ReadAckAsync(reader, peer, credentials, timeout.Token).ConfigureAwait(false);
            if (ack.Type != FrameType.HelloAck)
                throw new TransportProtocolException($"{peer.Identity} answered the hello with a {ack.Type} frame");
            return new PeerConnection(ssl, reader, peer.Identity, peer.PublicKey, peer.EndPoint, isDialer: true, handlers, options, logger);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"The handshake with {peer.Identity} at {peer.EndPoint} took over {options.HandshakeTimeout}.");
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async ValueTask<Frame> ReadAckAsync(
        FrameReader reader, PeerContact peer, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        Frame? ack;
        try
        {
            ack = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not TransportProtocolException)
        {
            ack = null;
        }
        return ack ?? throw new PeerAuthenticationException(
            $"{peer.Identity} at {peer.EndPoint} closed the connection after our hello: it does not accept {credentials.Identity} " +
            $"with key {credentials.PublicKey.Fingerprint}. Check that our published identity document carries this key.");
    }

    /// <summary>
    /// The accepting half of the handshake on a new socket: TLS, then the dialer's hello, whose named identity must
    /// resolve to the key the dialer presented. Returns null, with a log line, for a peer that fails any step.
    /// </summary>
    internal static async Task<PeerConnection?> AcceptAsync(
        Socket socket, TransportCredentials credentials, IIdentityResolver resolver, TransportHandlers handlers,
        TransportOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var endPoint = socket.RemoteEndPoint;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(TransportHandshake.ServerOptions(credentials), timeout.Token).ConfigureAwait(false);
            var reader = new FrameReader(PipeReader.Create(ssl, PipeOptions));
            var hello = await reader.ReadAsync(timeout.Token).ConfigureAwait(false);
            if (hello is not { Type: FrameType.Hello } frame)
                throw new TransportProtocolException(hello is null ? "closed before its hello" : $"a {hello.Value.Type} frame instead of a hello");
            if (!IdentityName.TryDecode(frame.Payload, out var identity, out var error))
                throw new TransportProtocolException($"hello: {error}");

            var presented = TransportHandshake.PresentedKey(ssl);
            var expected = await resolver.ResolveAsync(identity, timeout.Token).ConfigureAwait(false);
            if (presented is null || expected is null || !expected.Equals(presented))
            {
                var fingerprint = presented?.Fingerprint ?? "(not a P-256 identity key)";
                if (expected is null)
                    logger.UnknownPeer(identity, endPoint, fingerprint);
                else
                    logger.PeerKeyMismatch(identity, endPoint, fingerprint, expected.Fingerprint);
                await ssl.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
                await ssl.DisposeAsync().ConfigureAwait(false);
                return null;
            }
            await FrameWriter.WriteAsync(ssl, FrameType.HelloAck, 0, default, credentials.EncodedIdentity, timeout.Token).ConfigureAwait(false);
            return new PeerConnection(ssl, reader, identity, presented, endPoint, isDialer: false, handlers, options, logger);
        }
        catch (Exception e) when (e is IOException or AuthenticationException or SocketException or OperationCanceledException)
        {
            var reason = e is OperationCanceledException && !cancellationToken.IsCancellationRequested
                ? $"no hello within {options.HandshakeTimeout}"
                : e.Message;
            logger.HandshakeFailed(endPoint, reason);
            await ssl.DisposeAsync().ConfigureAwait(false);
            return null;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
