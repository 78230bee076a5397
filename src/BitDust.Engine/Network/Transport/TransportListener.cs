using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace BitDust.Engine.Network.Transport;

/// <summary>
/// Accepts peers on a TCP port. Each connection is authenticated on its own task, so a slow or hostile client never
/// holds up the accept loop; disposing stops accepting and closes every connection.
/// </summary>
public sealed class TransportListener : IAsyncDisposable
{
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

    private async Task ServeAsync(Socket client)
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
}
