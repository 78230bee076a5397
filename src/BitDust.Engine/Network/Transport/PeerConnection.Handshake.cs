using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Crypto;
using BitDust.Engine.Network.Relay;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Transport;

public sealed partial class PeerConnection
{
    private static readonly StreamPipeReaderOptions PipeOptions = new(bufferSize: 64 * 1024, minimumReadSize: 16 * 1024);

    /// <summary>
    /// Dials <paramref name="peer"/>: TCP (to its router, asking for a tunnel, when it is routed), TLS 1.3 with both
    /// certificates, then checks that the peer's key is the one in its identity document before saying hello, and waits for the
    /// peer to accept ours. Through a router the check is the same: a router that answers itself fails it.
    /// </summary>
    /// <exception cref="PeerAuthenticationException">The peer presented another key, or refused our identity.</exception>
    /// <exception cref="RelayRefusedException">The peer's router opened no tunnel to it.</exception>
    public static async Task<PeerConnection> ConnectAsync(
        PeerContact peer, TransportCredentials credentials, TransportHandlers handlers, TransportOptions? options = null,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options ??= TransportOptions.Default;
        logger ??= NullLogger.Instance;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        SslStream? ssl = null;
        try
        {
            ssl = await DialTlsAsync(peer.EndPoint, peer, credentials, timeout.Token).ConfigureAwait(false);
            var presented = TransportHandshake.PresentedKey(ssl);
            if (!peer.PublicKey.Equals(presented))
            {
                var fingerprint = presented?.Fingerprint ?? "(not a P-256 identity key)";
                logger.PeerKeyMismatch(peer.Identity, peer.EndPoint, fingerprint, peer.PublicKey.Fingerprint);
                throw new PeerAuthenticationException(
                    $"{peer.Identity} at {peer.Address} presented key {fingerprint}, not {peer.PublicKey.Fingerprint} of its identity " +
                    "document: someone else answers at that address. Fetch its identity document again.");
            }
            var (reader, _) = await SayHelloAsync(ssl, peer.Identity, peer.Address, credentials, timeout.Token).ConfigureAwait(false);
            return new PeerConnection(ssl, reader, peer.Identity, peer.PublicKey, peer.EndPoint, isDialer: true, handlers, options, logger);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            if (ssl is not null)
                await ssl.DisposeAsync().ConfigureAwait(false);
            throw new TimeoutException($"The handshake with {peer.Identity} at {peer.Address} took over {options.HandshakeTimeout}.");
        }
        catch
        {
            if (ssl is not null)
                await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Asks whoever listens at <paramref name="endPoint"/> who it is, without knowing its key beforehand (discovery): TLS
    /// accepting any key, our hello, its hello-ack, then the connection is closed. Returns the identity the acceptor claims
    /// and the key it proved it holds; the caller must resolve that identity's document and require the same key before
    /// trusting the name.
    /// </summary>
    /// <exception cref="PeerAuthenticationException">The acceptor showed no identity key, or refused our identity.</exception>
    /// <exception cref="TimeoutException">The handshake took over <see cref="TransportOptions.HandshakeTimeout"/>.</exception>
    public static async Task<(string Identity, IdentityPublicKey Key)> IdentifyAsync(
        EndPoint endPoint, TransportCredentials credentials, TransportOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        ArgumentNullException.ThrowIfNull(credentials);
        options ??= TransportOptions.Default;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.HandshakeTimeout);
        SslStream? ssl = null;
        try
        {
            ssl = await DialTlsAsync(endPoint, peer: null, credentials, timeout.Token).ConfigureAwait(false);
            var presented = TransportHandshake.PresentedKey(ssl) ?? throw new PeerAuthenticationException(
                $"The node at {endPoint} presented a certificate without a P-256 identity key: it is not a BitDust node.");
            var (reader, ack) = await SayHelloAsync(ssl, "the node", PeerContact.FormatEndPoint(endPoint), credentials, timeout.Token)
                .ConfigureAwait(false);
            if (!HelloIdentity.TryDecode(ack.Payload, out var identity, out var error))
                throw new TransportProtocolException($"the node at {endPoint} named itself badly in its hello-ack: {error}");
            // close_notify first, so the acceptor sees a clean end rather than a broken connection.
            await ssl.ShutdownAsync().WaitAsync(timeout.Token).ConfigureAwait(false);
            await reader.CompleteAsync().ConfigureAwait(false);
            return (identity, presented);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The handshake with the node at {endPoint} took over {options.HandshakeTimeout}.");
        }
        finally
        {
            if (ssl is not null)
                await ssl.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// TCP to <paramref name="endPoint"/> (for a routed <paramref name="peer"/>, its router, which is asked for a tunnel to it)
    /// and TLS 1.3 with our certificate; the peer's key is the caller's to check.
    /// </summary>
    private static async Task<SslStream> DialTlsAsync(
        EndPoint endPoint, PeerContact? peer, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
            if (peer is { Router: not null })
                await RelayTunnel.ConnectAsync(socket, peer, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        var ssl = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(TransportHandshake.ClientOptions(credentials), cancellationToken).ConfigureAwait(false);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Sends our hello and reads the acceptor's hello-ack; an acceptor that hangs up instead refused our identity.</summary>
    private static async ValueTask<(FrameReader Reader, Frame Ack)> SayHelloAsync(
        SslStream ssl, string peer, string address, TransportCredentials credentials, CancellationToken cancellationToken)
    {
        await FrameWriter.WriteAsync(ssl, FrameType.Hello, 0, default, credentials.EncodedIdentity, cancellationToken)
            .ConfigureAwait(false);
        var reader = new FrameReader(PipeReader.Create(ssl, PipeOptions));
        Frame? ack;
        try
        {
            ack = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e) when (e is not TransportProtocolException)
        {
            ack = null;
        }
        if (ack is null)
        {
            throw new PeerAuthenticationException(
                $"{peer} at {address} closed the connection after our hello: it does not accept {credentials.Identity} " +
                $"with key {credentials.PublicKey.Fingerprint}. Check that our published identity document carries this key.");
        }
        if (ack.Value.Type != FrameType.HelloAck)
            throw new TransportProtocolException($"{peer} at {address} answered the hello with a {ack.Value.Type} frame");
        return (reader, ack.Value);
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
            if (!HelloIdentity.TryDecode(frame.Payload, out var identity, out var error))
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
