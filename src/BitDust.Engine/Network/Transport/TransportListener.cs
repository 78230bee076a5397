using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Transport;

/// <summary>Takes over a raw socket whose first bytes are not TLS (a relay preamble); it owns the socket from then on.</summary>
public delegate Task PreambleHandler(Socket socket, CancellationToken cancellationToken);

/// <summary>
/// Accepts peers on a TCP port. Each connection is authenticated on its own task, so a slow or hostile client never
/// holds up the accept loop; disposing stops accepting and closes every connection. A router serves its relay on the same
/// port: the first byte of each socket, peeked, tells a TLS record (0x16) from a preamble (<see cref="MapPreamble"/>).
/// </summary>
public sealed class TransportListener : IAsyncDisposable
{
    /// <summary>The first byte of a TLS record carrying a handshake (the ClientHello).</summary>
    private const byte TlsHandshakeRecord = 0x16;

    private readonly Socket _socket;
    private readonly TransportCredentials _credentials;
    private readonly IIdentityResolver _resolver;
    private readonly TransportHandlers _handlers;
    private readonly TransportOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<PeerConnection, byte> _connections = new();
    private readonly Lock _tasksLock = new();
    private readonly List<Task> _tasks = [];
    private readonly Task _acceptLoop;
    private volatile Preamble? _preamble;

    private TransportListener(
        Socket socket, TransportCredentials credentials, IIdentityResolver resolver, TransportHandlers handlers,
        TransportOptions options, ILogger logger)
    {
        _socket = socket;
        _credentials = credentials;
        _resolver = resolver;
        _handlers = handlers;
        _options = options;
        _logger = logger;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _logger.Listening(LocalEndPoint, credentials.Identity);
        _acceptLoop = AcceptLoopAsync();
    }

    /// <summary>The bound address, with the port the system chose when started on port 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The authenticated connections open now.</summary>
    public IReadOnlyCollection<PeerConnection> Connections => [.. _connections.Keys];

    /// <summary>
    /// Hands every socket whose first byte is <paramref name="firstByte"/> to <paramref name="handler"/> instead of the TLS
    /// handshake (the proxy-server service's relay). Without one, such a socket is closed with a log line.
    /// </summary>
    public void MapPreamble(byte firstByte, PreambleHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (firstByte == TlsHandshakeRecord)
            throw new ArgumentException("0x16 starts every TLS connection; a preamble must start with another byte.", nameof(firstByte));
        _preamble = new Preamble(firstByte, handler);
    }

    /// <summary>Stops handing sockets to the preamble handler (its service stopped); tunnels it runs are its own to end.</summary>
    public void UnmapPreamble() => _preamble = null;

    /// <summary>
    /// Serves <paramref name="socket"/>, which this node dialed (a routed node's end of a router tunnel), exactly as an accepted
    /// one: the accepting half of the handshake, the same handlers, and it counts among <see cref="Connections"/>.
    /// </summary>
    public void Accept(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        if (_stopping.IsCancellationRequested)
        {
            socket.Dispose();
            return;
        }
        Track(HandshakeAsync(socket));
    }

    public static TransportListener Start(
        IPEndPoint endPoint, TransportCredentials credentials, IIdentityResolver resolver, TransportHandlers handlers,
        TransportOptions? options = null, ILogger? logger = null)
    {
        var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // On Unix this lets a restarted node bind its port while old connections linger in TIME_WAIT;
            // on Windows the same flag would let another process steal a bound port.
            if (!OperatingSystem.IsWindows())
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endPoint);
            socket.Listen(backlog: 128);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return new TransportListener(socket, credentials, resolver, handlers, options ?? TransportOptions.Default, logger ?? NullLogger.Instance);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync().ConfigureAwait(false);
        _socket.Dispose();
        await _acceptLoop.ConfigureAwait(false);
        foreach (var connection in _connections.Keys)
            await connection.DisposeAsync().ConfigureAwait(false);
        Task[] tasks;
        lock (_tasksLock)
            tasks = [.. _tasks];
        await Task.WhenAll(tasks).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (_stopping.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of descriptors or a connection reset before accept: this client is lost, the port is not.
                _logger.AcceptFailed(LocalEndPoint, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(50), CancellationToken.None).ConfigureAwait(false);
                continue;
            }
            client.NoDelay = true;
            Track(ServeAsync(client));
        }
    }

    /// <summary>Peeks at the first byte (within the handshake timeout) and hands the socket to TLS or to the preamble handler.</summary>
    private async Task ServeAsync(Socket client)
    {
        var endPoint = client.RemoteEndPoint;
        var first = new byte[1];
        string? problem;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token))
        {
            timeout.CancelAfter(_options.HandshakeTimeout);
            try
            {
                problem = await client.ReceiveAsync(first, SocketFlags.Peek, timeout.Token).ConfigureAwait(false) == 0
                    ? "closed before sending anything"
                    : null;
            }
            catch (OperationCanceledException) when (!_stopping.IsCancellationRequested)
            {
                problem = $"sent nothing within {_options.HandshakeTimeout}";
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
                problem = e.Message;
            }
        }
        var preamble = _preamble;
        if (problem is null && first[0] != TlsHandshakeRecord)
        {
            if (preamble is not null && first[0] == preamble.FirstByte)
            {
                await preamble.Handler(client, _stopping.Token).ConfigureAwait(false);
                return;
            }
            problem = preamble is null
                ? $"not TLS (the first byte is 0x{first[0]:x2}), and this node serves no relay"
                : $"neither TLS nor a relay preamble: the first byte is 0x{first[0]:x2}";
        }
        if (problem is not null)
        {
            _logger.HandshakeFailed(endPoint, problem);
            client.Dispose();
            return;
        }
        await HandshakeAsync(client).ConfigureAwait(false);
    }

    private async Task HandshakeAsync(Socket client)
    {
        var connection = await PeerConnection.AcceptAsync(client, _credentials, _resolver, _handlers, _options, _logger, _stopping.Token)
            .ConfigureAwait(false);
        if (connection is null)
            return;
        _connections.TryAdd(connection, 0);
        // Disposal may have begun during the handshake and missed this connection.
        if (_stopping.IsCancellationRequested)
            await connection.DisposeAsync().ConfigureAwait(false);
        await connection.Completion.ConfigureAwait(false);
        _connections.TryRemove(connection, out _);
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private void Track(Task task)
    {
        lock (_tasksLock)
        {
            _tasks.RemoveAll(t => t.IsCompleted);
            _tasks.Add(task);
        }
    }

    private sealed record Preamble(byte FirstByte, PreambleHandler Handler);
}
