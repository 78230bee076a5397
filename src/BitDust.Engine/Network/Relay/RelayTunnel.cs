using System.Net.Sockets;
using BitDust.Engine.Network.Transport;

namespace BitDust.Engine.Network.Relay;

/// <summary>
/// The client half of a preamble on a fresh socket to a router: send it, read the answer, and leave the socket positioned
/// at the first spliced byte, ready for the TLS handshake both ends run exactly as on a direct connection.
/// </summary>
public static class RelayTunnel
{
    /// <summary>Asks the router at the other end of <paramref name="socket"/> for a tunnel to <paramref name="target"/>.</summary>
    /// <exception cref="RelayRefusedException">The router said no (no route, busy, the node did not come, …).</exception>
    public static Task ConnectAsync(Socket socket, PeerContact target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        var router = target.Router ?? throw new ArgumentException($"{target.Identity} is not reached through a router.", nameof(target));
        return OpenAsync(socket, RelayPreamble.Connect(target.PublicKey.FingerprintBytes), router,
            answer => answer.Status == RelayStatus.NoRoute
                ? $"{target.Identity} is not routed by {router} ({Describe(answer)})"
                : $"router {router} at {target.Address} opened no tunnel to {target.Identity} ({Describe(answer)})",
            cancellationToken);
    }

    /// <summary>Takes the tunnel <paramref name="router"/> announced with <paramref name="token"/> in a <c>relay.incoming</c>.</summary>
    /// <exception cref="RelayRefusedException">The router no longer holds a tunnel for the token.</exception>
    public static Task AcceptAsync(Socket socket, ReadOnlySpan<byte> token, string router, CancellationToken cancellationToken) =>
        OpenAsync(socket, RelayPreamble.Accept(token), router,
            answer => $"router {router} gave no tunnel for our token ({Describe(answer)})", cancellationToken);

    private static async Task OpenAsync(Socket socket, byte[] preamble, string router, Func<RelayAnswer, string> refusal,
        CancellationToken cancellationToken)
    {
        var stream = new NetworkStream(socket, ownsSocket: false);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(preamble, cancellationToken).ConfigureAwait(false);
            var (answer, error) = await RelayAnswer.ReadAsync(stream, cancellationToken).ConfigureAwait(false);
            if (answer is not { } received)
                throw new TransportProtocolException($"router {router} answered the relay preamble badly: {error}");
            if (received.Status != RelayStatus.Ok)
                throw new RelayRefusedException(refusal(received), router, received.Status, received.Reason);
        }
    }

    private static string Describe(RelayAnswer answer) =>
        answer.Reason.Length == 0 ? RelayAnswer.Describe(answer.Status) : $"{RelayAnswer.Describe(answer.Status)}: {answer.Reason}";
}
