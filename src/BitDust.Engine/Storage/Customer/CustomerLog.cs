using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.Extensions.Logging;

namespace BitDust.Engine.Storage.Customer;

internal static partial class CustomerLog
{
    [LoggerMessage(3300, LogLevel.Information, "upload {Id} of {Local} as {Remote} started ({Files} files, {Bytes} bytes)")]
    public static partial void UploadStarted(this ILogger logger, string id, string local, string remote, int files, long bytes);

    [LoggerMessage(3301, LogLevel.Information, "upload {Id} resumed: {Remote}")]
    public static partial void UploadResumed(this ILogger logger, string id, string remote);

    [LoggerMessage(3302, LogLevel.Information, "upload {Id} is {State}")]
    public static partial void UploadReached(this ILogger logger, string id, TransferState state);

    [LoggerMessage(3303, LogLevel.Warning, "upload {Id} failed: {Reason}")]
    public static partial void UploadFailed(this ILogger logger, string id, string reason);

    [LoggerMessage(3304, LogLevel.Information, "download {Id} of {Remote} to {Local} is {State}")]
    public static partial void DownloadReached(this ILogger logger, string id, string remote, string local, TransferState state);

    [LoggerMessage(3305, LogLevel.Warning, "download {Id} of {Remote} failed: {Reason}")]
    public static partial void DownloadFailed(this ILogger logger, string id, string remote, string reason);

    [LoggerMessage(3306, LogLevel.Warning, "fragments of {File} are left on a supplier: {Problem}")]
    public static partial void DeleteIncomplete(this ILogger logger, string file, string problem);

    [LoggerMessage(3307, LogLevel.Information, "{Remote} {File}: a new version because the local file changed since its upload started")]
    public static partial void LocalFileChanged(this ILogger logger, string remote, string file);

    [LoggerMessage(3308, LogLevel.Warning,
        "{Remote}: the copy closed before the node stopped ({Local}) is not the one queued (a power cut tore it?); it is not " +
        "uploaded and the version before it stays, as a disk keeps the older content of a file that was not synced")]
    public static partial void TornCopyDropped(this ILogger logger, string remote, string local);

    [LoggerMessage(3309, LogLevel.Information, "catalog backed up as version {Version} ({Bytes} bytes, manifest on {Suppliers} suppliers)")]
    public static partial void CatalogBackedUp(this ILogger logger, long version, int bytes, int suppliers);

    [LoggerMessage(3310, LogLevel.Warning, "catalog backup failed; trying again in {Delay}")]
    public static partial void CatalogBackupFailed(this ILogger logger, Exception exception, TimeSpan delay);

    [LoggerMessage(3311, LogLevel.Information, "catalog restored from the network: version {Version}, {Files} files")]
    public static partial void CatalogRestored(this ILogger logger, long version, int files);

    [LoggerMessage(3312, LogLevel.Warning, "catalog backup version {Version} could not be restored: {Reason}")]
    public static partial void CatalogRestoreSkipped(this ILogger logger, long version, string reason);
}
