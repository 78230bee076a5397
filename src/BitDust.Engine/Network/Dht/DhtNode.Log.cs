using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Dht;

public sealed partial class DhtNode
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "DHT node {NodeId} listening on UDP port {Port}")]
        public static partial void Started(ILogger logger, NodeId nodeId, int port);

        [LoggerMessage(EventId = 2001, Level = LogLevel.Debug, Message = "Dropped a {Length}-byte datagram from {Source}: {Reason}")]
        public static partial void DroppedDatagram(ILogger logger, IPEndPoint source, int length, string reason);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Debug, Message = "Rate-limited datagrams from {Source}")]
        public static partial void RateLimited(ILogger logger, IPAddress source);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Debug, Message = "UDP socket error {Error} (the node keeps serving)")]
        public static partial void SocketError(ILogger logger, SocketError error);

        [LoggerMessage(EventId = 2004, Level = LogLevel.Error,
            Message = "Handling a datagram from {Source} failed (the node keeps serving)")]
        public static partial void HandlerFailed(ILogger logger, IPEndPoint source, Exception exception);

        [LoggerMessage(EventId = 2005, Level = LogLevel.Warning,
            Message = "No DHT node answered from the known nodes {KnownNodes}; retrying at the next maintenance")]
        public static partial void BootstrapFailed(ILogger logger, string knownNodes);

        [LoggerMessage(EventId = 2006, Level = LogLevel.Information, Message = "DHT bootstrap done: {Contacts} contacts")]
        public static partial void Bootstrapped(ILogger logger, int contacts);

        [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "The known node {KnownNode} could not be resolved")]
        public static partial void Unresolved(ILogger logger, EndPoint knownNode, Exception? exception);

        [LoggerMessage(EventId = 2008, Level = LogLevel.Warning, Message = "DHT maintenance failed; it runs again in {Interval}")]
        public static partial void MaintenanceFailed(ILogger logger, TimeSpan interval, Exception exception);

        [LoggerMessage(EventId = 2009, Level = LogLevel.Debug, Message = "Republished {Target}: {Copies} copies")]
        public static partial void Republished(ILogger logger, NodeId target, int copies);
    }
}
