using System.Net;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Network.Relay;

internal static partial class RelayLog
{
    [LoggerMessage(2200, LogLevel.Information, "Routing {Identity} (key {Fingerprint}, {Flags}): {Count} of at most {Limit} routes")]
    public static partial void RouteAdded(this ILogger logger, string identity, string fingerprint, RelayFlags flags, int count, int limit);

    [LoggerMessage(2201, LogLevel.Information, "Route of {Identity} dropped: {Reason}; {Count} routes left")]
    public static partial void RouteDropped(this ILogger logger, string identity, string reason, int count);

    [LoggerMessage(2202, LogLevel.Warning, "Refused to route {Identity}: {Reason}")]
    public static partial void RegistrationRefused(this ILogger logger, string identity, string reason);

    [LoggerMessage(2203, LogLevel.Information, "Relay preamble from {EndPoint} refused: {Reason}")]
    public static partial void BadPreamble(this ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(2204, LogLevel.Information, "{EndPoint} asked for a tunnel to key {Fingerprint}, which is not routed here")]
    public static partial void NoRoute(this ILogger logger, EndPoint? endPoint, string fingerprint);

    [LoggerMessage(2205, LogLevel.Information, "No tunnel from {EndPoint} to {Identity}: {Reason}")]
    public static partial void TunnelRefused(this ILogger logger, EndPoint? endPoint, string identity, string reason);

    [LoggerMessage(2206, LogLevel.Information, "Tunnel open from {EndPoint} to {Identity}")]
    public static partial void TunnelOpened(this ILogger logger, EndPoint? endPoint, string identity);

    [LoggerMessage(2207, LogLevel.Information, "Relay connection from {EndPoint} ended: {Reason}")]
    public static partial void TunnelEnded(this ILogger logger, EndPoint? endPoint, string reason);

    [LoggerMessage(2208, LogLevel.Information, "An ACCEPT from {EndPoint} carried a token no tunnel waits for")]
    public static partial void UnknownToken(this ILogger logger, EndPoint? endPoint);

    [LoggerMessage(2209, LogLevel.Information, "Probed {Contact} for {Identity}: reachable {Reachable} ({Reason})")]
    public static partial void Probed(this ILogger logger, string identity, string contact, bool reachable, string reason);

    [LoggerMessage(2210, LogLevel.Information, "{Router} says {Contact} reachable: {Reachable} ({Reason})")]
    public static partial void ProbeAnswered(this ILogger logger, string router, string contact, bool reachable, string reason);

    [LoggerMessage(2211, LogLevel.Information, "{Router} failed to {Step}: {Reason}")]
    public static partial void RouterFailed(this ILogger logger, string router, string step, string reason);

    [LoggerMessage(2212, LogLevel.Warning, "No router can be used now; looking again in {Delay}")]
    public static partial void NoRouters(this ILogger logger, TimeSpan delay);

    [LoggerMessage(2213, LogLevel.Information, "Routed by {Router}: this node's contact is {Contact}")]
    public static partial void Routed(this ILogger logger, string router, string contact);

    [LoggerMessage(2214, LogLevel.Warning, "Publishing the contact {Contact} failed: {Reason}")]
    public static partial void PublishFailed(this ILogger logger, string contact, string reason);

    [LoggerMessage(2215, LogLevel.Warning, "Route through {Router} lost: {Reason}; looking for a router")]
    public static partial void RouteLost(this ILogger logger, string router, string reason);

    [LoggerMessage(2216, LogLevel.Information, "A tunnel through {Router} could not be taken: {Reason}")]
    public static partial void TunnelFailed(this ILogger logger, string router, string reason);

    [LoggerMessage(2217, LogLevel.Warning, "Looking for routers failed")]
    public static partial void RouterLookupFailed(this ILogger logger, Exception exception);
}
