using System.Net;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Transport;

internal static partial class TransportLog
{
    [LoggerMessage(2100, LogLevel.Warning,
        "Refused {Identity} at {EndPoint}: it presented key {PresentedFingerprint}, but its identity document has key {ExpectedFingerprint}")]
    public static partial void PeerKeyMismatch(
        this ILogger logger, string identity, EndPoint? endPoint, string presentedFingerprint, string expectedFingerprint);

    [LoggerMessage(2101, LogLevel.Warning,
        "Refused {Identity} at {EndPoint}: no identity document is known for it (it presented key {PresentedFingerprint})")]
    public static partial void UnknownPeer(this ILogger logger, string identity, EndPoint? endPoint, string presentedFingerprint);

    [LoggerMessage(2102, LogLevel.Information, "Handshake with {EndPoint} failed: {Reason}")]
    public static partial void HandshakeFailed(this ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(2103, LogLevel.Warning, "Protocol error from {Identity} at {EndPoint}: {Reason}; closing the connection")]
    public static partial void ProtocolError(this ILogger logger, string identity, EndPoint? endPoint, string reason);

    [LoggerMessage(2104, LogLevel.Information, "Connection with {Identity} at {EndPoint} closed: {Reason}")]
    public static partial void ConnectionClosed(this ILogger logger, string identity, EndPoint? endPoint, string reason);

    [LoggerMessage(2105, LogLevel.Warning, "{Identity} at {EndPoint} sent nothing for {Silence}; closing the connection")]
    public static partial void PeerSilent(this ILogger logger, string identity, EndPoint? endPoint, TimeSpan silence);

    [LoggerMessage(2106, LogLevel.Error, "The {Kind} handler failed on a request from {Identity}")]
    public static partial void RequestHandlerFailed(this ILogger logger, Exception exception, string kind, string identity);

    [LoggerMessage(2107, LogLevel.Error, "The {Kind} stream handler failed on a stream from {Identity}")]
    public static partial void StreamHandlerFailed(this ILogger logger, Exception exception, string kind, string identity);

    [LoggerMessage(2108, LogLevel.Warning, "Accepting a connection on {EndPoint} failed: {Reason}")]
    public static partial void AcceptFailed(this ILogger logger, EndPoint endPoint, string reason);

    [LoggerMessage(2109, LogLevel.Information, "Dial {Attempt} to {Identity} at {EndPoint} failed: {Reason}; next attempt in {Delay}")]
    public static partial void DialFailed(this ILogger logger, int attempt, string identity, EndPoint endPoint, string reason, TimeSpan delay);

    [LoggerMessage(2110, LogLevel.Information, "Transport listening on {EndPoint} as {Identity}")]
    public static partial void Listening(this ILogger logger, EndPoint endPoint, string identity);

    [LoggerMessage(2111, LogLevel.Information, "Connected with {Identity} at {EndPoint} ({Direction})")]
    public static partial void PeerConnected(this ILogger logger, string identity, EndPoint? endPoint, string direction);

    [LoggerMessage(2112, LogLevel.Warning,
        "The response to a {Kind} request from {Identity} is {Length} bytes, over the {Max}-byte frame limit")]
    public static partial void ResponseTooLarge(this ILogger logger, string kind, string identity, int length, int max);
}
