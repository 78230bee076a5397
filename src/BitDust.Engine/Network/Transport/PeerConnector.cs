using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using BitDust.Engine.Crypto;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// One connection per peer identity, dialed on first use, reused while alive and dialed again after a drop.
/// Failed dials back off exponentially, and the backoff carries over between calls so a dead peer is not hammered: a call made
/// while it lasts fails at once with the last dial's reason.
/// </summary>
public sealed class PeerConnector : IAsyncDisposable
{
    private readonly TransportCredentials _credentials;
    private readonly TransportHandlers _handlers;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, PeerSlot> _peers = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _disposing = new();

    public PeerConnector(TransportCredentials credentials, TransportHandlers handlers, TransportOptions? options = null, ILogger? logger = null)
    {
        _credentials = credentials;
        _handlers = handlers;
        _options = options ?? TransportOptions.Default;
        _logger = logger ?? NullLogger.Instance;
    }

    public async Task<byte[]> SendRequestAsync(
        PeerContact peer, string kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(peer, cancellationToken).ConfigureAwait(false);
        return await connection.SendRequestAsync(kind, payload, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<PeerStreamWriter> OpenStreamAsync(
        PeerContact peer, string kind, ReadOnlyMemory<byte> header, CancellationToken cancellationToken = default)
    {
        var connection = await ConnectAsync(peer, cancellationToken).ConfigureAwait(false);
        return await connection.OpenStreamAsync(kind, header, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The live connection to <paramref name="peer"/>, dialing (up to <see cref="TransportOptions.DialAttempts"/> times) if there is none.</summary>
    public async ValueTask<PeerConnection> ConnectAsync(PeerContact peer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposing.IsCancellationRequested, this);
        var slot = _peers.GetOrAdd(peer.Identity, _ => new PeerSlot());
        if (slot.Live(peer) is { } live)
            return live;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        await slot.DialLock.WaitAsync(linked.Token).ConfigureAwait(false);
        try
        {
            if (slot.Live(peer) is { } dialedMeanwhile)
                return dialedMeanwhile;
            if (slot.Connection is { } stale)
                await stale.DisposeAsync().ConfigureAwait(false);
            slot.Connection = null;
            // A new contact (the peer moved, or switched router) is a new peer to dial: the old address's backoff does not hold it back.
            if (!Equals(slot.Contact, peer))
                (slot.Contact, slot.Failures, slot.LastFailure, slot.NextAttempt) = (peer, 0, null, 0);
            // A peer still in the backoff of earlier failed calls is not dialed, and the caller is not kept waiting for it:
            // a caller that can do without this peer (a download with parity to spare) goes on at once.
            var wait = slot.NextAttempt - Environment.TickCount64;
            if (wait > 0 && slot.LastFailure is { } last)
            {
                throw new IOException($"{peer.Identity} at {peer.Address} is unreachable ({last}); " +
                    $"next dial in {wait / 1000.0:0.0} s");
            }
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    slot.Connection = await PeerConnection.ConnectAsync(peer, _credentials, _handlers, _options, _logger, linked.Token)
                        .ConfigureAwait(false);
                    slot.Failures = 0;
                    slot.LastFailure = null;
                    return slot.Connection;
                }
                catch (Exception e) when (IsTransient(e) && !linked.IsCancellationRequested)
                {
                    slot.Failures++;
                    slot.LastFailure = e.Message;
                    var delay = Backoff(slot.Failures);
                    slot.NextAttempt = Environment.TickCount64 + (long)delay.TotalMilliseconds;
                    _logger.DialFailed(attempt, peer.Identity, peer.EndPoint, e.Message, delay);
                    if (attempt >= _options.DialAttempts)
                        throw;
                }
                // Within one call the waits grow with this call's attempts, so a call lasts about a second, not minutes.
                await Task.Delay(Backoff(attempt), linked.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            slot.DialLock.Release();
        }
    }

    /// <summary>
    /// Who answers at <paramref name="endPoint"/>, as <see cref="PeerConnection.IdentifyAsync"/> with this node's credentials.
    /// </summary>
    public Task<(string Identity, IdentityPublicKey Key)> IdentifyAsync(EndPoint endPoint, CancellationToken cancellationToken) =>
        PeerConnection.IdentifyAsync(endPoint, _credentials, _options, cancellationToken);

    /// <summary>This node's own key, so a caller can skip itself among discovered peers.</summary>
    public IdentityPublicKey PublicKey => _credentials.PublicKey;

    public async ValueTask DisposeAsync()
    {
        if (_disposing.IsCancellationRequested)
            return;
        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var (_, slot) in _peers)
        {
            // Wait out a dial in progress, which the cancellation above cuts short.
            await slot.DialLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
            if (slot.Connection is { } connection)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Failures worth a retry; a peer with the wrong key is not one of them.</summary>
    private static bool IsTransient(Exception e) =>
        e is SocketException or TimeoutException or AuthenticationException or TransportProtocolException
        || (e is IOException && e is not PeerAuthenticationException);

    /// <summary>Exponential from the base delay, capped, with ±20 % jitter so peers that lost one node do not redial in step.</summary>
    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.ReconnectBaseDelay * Math.Pow(2, Math.Min(failures - 1, 20));
        var capped = exponential < _options.ReconnectMaxDelay ? exponential : _options.ReconnectMaxDelay;
        return capped * (0.8 + 0.4 * Random.Shared.NextDouble());
    }

    private sealed class PeerSlot
    {
        public SemaphoreSlim DialLock { get; } = new(1, 1);

        public PeerConnection? Connection { get; set; }

        /// <summary>The contact <see cref="Connection"/> was dialed at, or the last dials went to.</summary>
        public PeerContact? Contact { get; set; }

        public int Failures { get; set; }

        public long NextAttempt { get; set; }

        /// <summary>Why the last dial failed, until one succeeds.</summary>
        public string? LastFailure { get; set; }

        /// <summary>
        /// The connection, if alive and dialed at the contact the caller has now: an identity document may have changed its key,
        /// its address or its router since.
        /// </summary>
        public PeerConnection? Live(PeerContact peer) =>
            Connection is { IsConnected: true } connection && Equals(Contact, peer) ? connection : null;
    }
}
