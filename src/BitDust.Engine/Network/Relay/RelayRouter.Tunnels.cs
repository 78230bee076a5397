using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

public sealed partial class RelayRouter
{
    private const int SpliceBufferSize = 64 * 1024;

    /// <summary>
    /// Serves one raw connection whose first byte was the relay magic's (<see cref="Attach"/> installs it): reads its preamble,
    /// then opens a tunnel (CONNECT) or takes the place a tunnel keeps for it (ACCEPT). A bad preamble is answered and the
    /// socket closed; a socket error only ends this connection.
    /// </summary>
    internal async Task HandleAsync(Socket socket, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var remote = socket.RemoteEndPoint;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            RelayPreamble? preamble;
            string? error;
            using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(linked.Token))
            {
                timeout.CancelAfter(_options.PreambleTimeout);
                try
                {
                    (preamble, error) = await RelayPreamble.ReadAsync(stream, timeout.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!linked.IsCancellationRequested)
                {
                    (preamble, error) = (null, $"no whole preamble within {_options.PreambleTimeout}");
                }
            }
            if (preamble is not { } request)
            {
                _logger.BadPreamble(remote, error!);
                await AnswerAsync(stream, new RelayAnswer(RelayStatus.BadRequest, error!), linked.Token).ConfigureAwait(false);
                return;
            }
            if (request.Command == RelayCommand.Connect)
                await ConnectAsync(stream, request.Body, remote, linked.Token).ConfigureAwait(false);
            else
                await AcceptAsync(stream, request.Body, remote, linked.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            _logger.TunnelEnded(remote, e.Message);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A dialer's CONNECT: tell the routed node, wait for its ACCEPT, answer both, splice.</summary>
    private async Task ConnectAsync(NetworkStream dialer, byte[] fingerprint, EndPoint? remote, CancellationToken cancellationToken)
    {
        var wanted = Convert.ToHexStringLower(fingerprint);
        if (FindRoute(wanted) is not { } route || !route.Connection.IsConnected)
        {
            _logger.NoRoute(remote, wanted[..16]);
            await AnswerAsync(dialer, new RelayAnswer(RelayStatus.NoRoute, $"no node with key {wanted[..16]} is registered here"),
                cancellationToken).ConfigureAwait(false);
            return;
        }
        var target = route.Connection.PeerIdentity;
        if (!route.TryOpenTunnel(_options.MaxTunnelsPerRoute))
        {
            await AnswerAsync(dialer, new RelayAnswer(RelayStatus.Busy, $"{target} has {_options.MaxTunnelsPerRoute} tunnels open here"),
                cancellationToken).ConfigureAwait(false);
            return;
        }
        var token = RandomNumberGenerator.GetBytes(RelayPreamble.TokenSize);
        var key = Convert.ToHexString(token);
        var pending = new PendingTunnel();
        _pending[key] = pending;
        try
        {
            var (acceptor, refusal) = await WaitForAcceptorAsync(route, token, pending, cancellationToken).ConfigureAwait(false);
            if (acceptor is null)
            {
                _logger.TunnelRefused(remote, target, refusal.Reason);
                await AnswerAsync(dialer, refusal, cancellationToken).ConfigureAwait(false);
                return;
            }
            await AnswerAsync(acceptor, RelayAnswer.Ok, cancellationToken).ConfigureAwait(false);
            await AnswerAsync(dialer, RelayAnswer.Ok, cancellationToken).ConfigureAwait(false);
            _logger.TunnelOpened(remote, target);
            await SpliceAsync(dialer, acceptor, route, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // From here on an ACCEPT with this token finds nothing, and one that came is let go (its socket closes).
            _pending.TryRemove(key, out _);
            pending.Accepted.TrySetCanceled(CancellationToken.None);
            pending.Finished.TrySetResult();
            route.CloseTunnel();
        }
    }

    /// <summary>The routed node's end of the tunnel, or why there is none.</summary>
    private async Task<(NetworkStream? Acceptor, RelayAnswer Refusal)> WaitForAcceptorAsync(
        RelayRoute route, byte[] token, PendingTunnel pending, CancellationToken cancellationToken)
    {
        var target = route.Connection.PeerIdentity;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.AcceptTimeout);
        try
        {
            await route.Connection.SendRequestAsync(RelayMessages.Incoming, RelayMessages.EncodeIncoming(token), deadline.Token)
                .ConfigureAwait(false);
            return (await pending.Accepted.Task.WaitAsync(deadline.Token).ConfigureAwait(false), default);
        }
        catch (PeerRequestException e)
        {
            return (null, new RelayAnswer(RelayStatus.Refused, $"{target} refused the tunnel: {e.Reason}"));
        }
        catch (PeerConnectionClosedException)
        {
            Drop(route, "its connection closed");
            return (null, new RelayAnswer(RelayStatus.NoRoute, $"{target} is no longer connected here"));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            return (null, new RelayAnswer(RelayStatus.Timeout, $"{target} did not come for its tunnel within {_options.AcceptTimeout}"));
        }
    }

    /// <summary>A routed node's ACCEPT: gives its socket to the CONNECT waiting for the token, holds it while the tunnel lasts.</summary>
    private async Task AcceptAsync(NetworkStream acceptor, byte[] token, EndPoint? remote, CancellationToken cancellationToken)
    {
        if (!_pending.TryRemove(Convert.ToHexString(token), out var pending) || !pending.Accepted.TrySetResult(acceptor))
        {
            _logger.UnknownToken(remote);
            var unknown = new RelayAnswer(RelayStatus.UnknownToken, "no tunnel waits for this token (used, expired or never given)");
            await AnswerAsync(acceptor, unknown, cancellationToken).ConfigureAwait(false);
            return;
        }
        await pending.Finished.Task.ConfigureAwait(false);
    }

    /// <summary>Copies both ways until either side ends, then closes both; counts the bytes on the route.</summary>
    private static async Task SpliceAsync(NetworkStream a, NetworkStream b, RelayRoute route, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var forward = PumpAsync(a, b, route, stop.Token);
        var backward = PumpAsync(b, a, route, stop.Token);
        await Task.WhenAny(forward, backward).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        a.Socket.Dispose();
        b.Socket.Dispose();
        await Task.WhenAll(forward, backward).ConfigureAwait(false);
    }

    private static async Task PumpAsync(NetworkStream from, NetworkStream to, RelayRoute route, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SpliceBufferSize);
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                route.Relayed(read);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // One side went away or the tunnel is closing: the other pump sees its socket closed next.
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AnswerAsync(NetworkStream stream, RelayAnswer answer, CancellationToken cancellationToken) =>
        await stream.WriteAsync(answer.Encode(), cancellationToken).ConfigureAwait(false);

    /// <summary>A CONNECT waiting for its routed node: the node's socket when it comes, and the end of the tunnel.</summary>
    private sealed class PendingTunnel
    {
        public TaskCompletionSource<NetworkStream> Accepted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
