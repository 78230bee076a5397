using System.Net;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Identity;

internal static partial class IdentityLog
{
    [LoggerMessage(2300, LogLevel.Information, "Loaded {Count} identities from {Folder}")]
    public static partial void Loaded(this ILogger logger, int count, string folder);

    [LoggerMessage(2301, LogLevel.Warning, "Skipped {File} while loading identities: {Reason}")]
    public static partial void SkippedFile(this ILogger logger, string file, string reason);

    [LoggerMessage(2302, LogLevel.Information, "Accepted {Document}: {Reason}")]
    public static partial void Accepted(this ILogger logger, IdentityDocument document, string reason);

    [LoggerMessage(2303, LogLevel.Warning, "Refused an identity document ({Verdict}): {Reason}")]
    public static partial void Refused(this ILogger logger, IdentityVerdict verdict, string reason);

    [LoggerMessage(2304, LogLevel.Information, "Forgot identity {Name}: not re-published since {Touched:u}")]
    public static partial void Expired(this ILogger logger, string name, DateTimeOffset touched);

    [LoggerMessage(2305, LogLevel.Information, "Identity server for {Host} serving HTTP on port {WebPort} and TCP on port {TcpPort}")]
    public static partial void ServerStarted(this ILogger logger, string host, int webPort, int tcpPort);

    [LoggerMessage(2306, LogLevel.Warning, "Closed identity TCP connection from {Remote}: {Reason}")]
    public static partial void TcpClosed(this ILogger logger, EndPoint? remote, string reason);

    [LoggerMessage(2307, LogLevel.Error, "Identity server sweep failed")]
    public static partial void SweepFailed(this ILogger logger, Exception exception);

    [LoggerMessage(2308, LogLevel.Warning, "Publishing {Document} to {Server} failed (attempt {Attempt}): {Reason}")]
    public static partial void PublishFailed(this ILogger logger, IdentityDocument document, IdentityServerAddress server, int attempt,
        string reason);

    [LoggerMessage(2309, LogLevel.Information, "Published {Document} to {Server}: {Outcome}")]
    public static partial void Published(this ILogger logger, IdentityDocument document, IdentityServerAddress server, PublishOutcome outcome);
}
