using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Text.Json;

namespace BitDust.Engine.Identity;

public sealed partial class IdentityServer
{
    // Connections still being served; finished ones are pruned on the next accept.
    private readonly ConcurrentDictionary<TcpClient, Task> _connections = new();

    private async Task AcceptLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _tcp.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                // A connection reset before accept completed concerns that peer only; keep listening.
                _logger.TcpClosed(null, e.Message);
                continue;
            }
            foreach (var (finished, _) in _connections.Where(connection => connection.Value.IsCompleted))
                _connections.TryRemove(finished, out _);
            if (_connections.Count >= _options.MaxTcpConnections)
            {
                _logger.TcpClosed(client.Client.RemoteEndPoint, $"over the limit of {_options.MaxTcpConnections} connections");
                client.Dispose();
                continue;
            }
            _connections[client] = ServeConnectionAsync(client, cancellationToken);
        }
    }

    private async Task ServeConnectionAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var remote = client.Client.RemoteEndPoint;
        try
        {
            using (client)
            {
                var stream = client.GetStream();
                while (true)
                {
                    using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    idle.CancelAfter(_options.TcpIdleTimeout);
                    FrameRead frame;
                    try
                    {
                        frame = await IdentityFrame.ReadAsync(stream, idle.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        _logger.TcpClosed(remote, $"idle for {_options.TcpIdleTimeout.TotalSeconds:0} s");
                        return;
                    }
                    if (frame.Error is not null)
                    {
                        _logger.TcpClosed(remote, frame.Error);
                        return;
                    }
                    if (frame.Payload is null)
                        return;
                    var acceptance = await _store.AcceptAsync(frame.Payload, cancellationToken).ConfigureAwait(false);
                    var answer = JsonSerializer.SerializeToUtf8Bytes(PublishAnswer.From(acceptance), IdentityJsonContext.Default.PublishAnswer);
                    await IdentityFrame.WriteAsync(stream, answer, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException e)
        {
            _logger.TcpClosed(remote, e.Message);
        }
    }

    private Task WhenConnectionsClosed() => Task.WhenAll(_connections.Values);
}
