using BitDust.Engine.Network.Dht;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Host.Services;

/// <summary>Keeps a service announced under an info-hash for as long as it runs.</summary>
internal static partial class DhtAnnouncer
{
    /// <summary>
    /// Announces <paramref name="port"/> under <paramref name="infoHash"/> until cancelled. Until some node holds the
    /// announcement (a genesis node starts alone) it is retried soon; after that, refreshed every <paramref name="refresh"/>,
    /// well before the nodes holding it let it expire.
    /// </summary>
    public static async Task KeepAnnouncedAsync(
        DhtNode node, NodeId infoHash, int port, string what, TimeSpan refresh, ILogger logger, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var copies = 0;
            try
            {
                copies = (await node.AnnounceAsync(infoHash, port, cancellationToken).ConfigureAwait(false)).Copies;
                if (copies > 0)
                    LogAnnounced(logger, what, port, copies);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAnnounceFailed(logger, e, what);
            }
            await Task.Delay(copies > 0 ? refresh : TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 4110, Level = LogLevel.Information,
        Message = "{What} announced in the DHT (port {Port}, {Copies} nodes hold it)")]
    private static partial void LogAnnounced(ILogger logger, string what, int port, int copies);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "{What} could not be announced in the DHT")]
    private static partial void LogAnnounceFailed(ILogger logger, Exception exception, string what);
}
