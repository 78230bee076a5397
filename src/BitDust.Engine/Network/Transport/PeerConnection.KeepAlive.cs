using System.Buffers.Binary;

namespace BitDust.Engine.Network.Transport;

public sealed partial class PeerConnection
{
    private long _lastReceived;

    /// <summary>
    /// Pings at every interval and drops the peer once nothing at all (a pong included) has arrived for the idle timeout.
    /// Pings go out without waiting, so a peer that stopped reading cannot stall the check.
    /// </summary>
    private async Task KeepAliveLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.PingInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(_closing.Token).ConfigureAwait(false))
            {
                var silence = TimeSpan.FromMilliseconds(Environment.TickCount64 - Volatile.Read(ref _lastReceived));
                if (silence > _options.IdleTimeout)
                {
                    _logger.PeerSilent(PeerIdentity, RemoteEndPoint, silence);
                    Close($"silent for {silence}");
                    return;
                }
                var ping = new byte[FrameHeader.PingLength];
                BinaryPrimitives.WriteInt64BigEndian(ping, Environment.TickCount64);
                SendInBackground(FrameType.Ping, 0, ping);
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            // Closed: nothing left to keep alive.
        }
    }
}
