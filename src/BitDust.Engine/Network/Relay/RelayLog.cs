using System.Net;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Relay;

internal static partial class RelayLog
{
    [LoggerMessage(1, LogLevel.Information, "Routing {Identity} (key {Fingerprint}, {Flags}): {Count} of at most {Limit} routes")]
    public static partial void RouteAdded(this ILogger logger, string identity, string fingerprint, RelayFlags flags, int count, int limit);

    [LoggerMessage(2, LogLevel.Information, "Route of {Identity} dropped: {Reason}; {Count} routes left")]
    public static partial void RouteDropped(this ILogger logger, string identity, string reason, int count);

    [LoggerMessage(3, LogLevel.Warning, "Refused to route {Identity}: {Reason}")]
    public static partial void RegistrationRefused(this ILogger logger, string identity, string reason);

    [LoggerMessage(4, LogLevel.Information, "Relay preamble from {EndPoint} refused: {Reason}")]
    public static partial void BadPreamble(this ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(5, LogLevel.Information, "{EndPoint} asked for a tunnel to key {Fingerprint}, which is not routed here")]
    public static partial void NoRoute(this ILogger logger, EndPoint? endPoint, string fingerprint);

    [LoggerMessage(6, LogLevel.Information, "No tunnel from {EndPoint} to {Identity}: {Reason}")]
    public static partial void TunnelRefused(this ILogger logger, EndPoint? endPoint, string identity, string reason);

    [LoggerMessage(7, LogLevel.Information, "Tunnel open from {EndPoint} to {Identity}")]
    public static partial void TunnelOpened(this ILogger logger, EndPoint? endPoint, string identity);

    [LoggerMessage(8, LogLevel.Information, "Relay connection from {EndPoint} ended: {Reason}")]
    public static partial void TunnelEnded(this ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(9, LogLevel.Information, "An ACCEPT from {EndPoint} carried a token no tunnel waits for")]
    public static partial void UnknownToken(this ILogger logger, EndPoint? endPoint);

    [LoggerMessage(10, LogLevel.Information, "Probed {Contact} for {Identity}: reachable {Reachable} ({Reason})")]
    public static partial void Probed(this ILogger logger, string identity, string contact, bool reachable, string reason);

    [LoggerMessage(11, LogLevel.Information, "{Router} says {Contact} reachable: {Reachable} ({Reason})")]
    public static partial void ProbeAnswered(this ILogger logger, string router, string contact, bool reachable, string reason);

    [LoggerMessage(12, LogLevel.Information, "{Router} failed to {Step}: {Reason}")]
    public static partial void RouterFailed(this ILogger logger, string router, string step, string reason);

    [LoggerMessage(13, LogLevel.Warning, "No router can be used now; looking again in {Delay}")]
    public static partial void NoRouters(this ILogger logger, TimeSpan delay);

    [LoggerMessage(14, LogLevel.Information, "Routed by {Router}: this node's contact is {Contact}")]
    public static partial void Routed(this ILogger logger, string router, string contact);

    [LoggerMessage(15, LogLevel.Warning, "Publishing the contact {Contact} failed: {Reason}")]
    public static partial void PublishFailed(this ILogger logger, string contact, string reason);

    [LoggerMessage(16, LogLevel.Warning, "Route through {Router} lost: {Reason}; looking for a router")]
    public static partial void RouteLost(this ILogger logger, string router, string reason);

    [LoggerMessage(17, LogLevel.Information, "A tunnel through {Router} could not be taken: {Reason}")]
    public static partial void TunnelFailed(this ILogger logger, string router, string reason);

    [LoggerMessage(18, LogLevel.Warning, "Looking for routers failed")]
    public static partial void RouterLookupFailed(this ILogger logger, Exception exception);
}
