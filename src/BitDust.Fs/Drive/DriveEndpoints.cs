using BitDust.Engine.Host.Api;
using BitDust.Engine.Host.Configuration;
using BitDust.Fs.Fuse;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Fs.Drive;

/// <summary>
/// <c>/drive/*</c>: mount the drive in this node, unmount it (after the flush, or at once), drop what its cache may give back,
/// and its status: the mount, the upload queue, the cache. Bad bodies are a 400 with the reason; a drive service that is off or a customer not ready is a 409.
/// </summary>
public static class DriveEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapPost("/drive/mount/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "mount_point") is not { } mountPoint || !Path.IsPathFullyQualified(mountPoint))
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"mount_point\": an absolute path");
            long? cacheSize = null;
            if (body["cache_size"] is { } size)
            {
                try
                {
                    cacheSize = ConfigValues.ParseSize(ConfigSchema.Get(ConfigKeys.DriveCacheSize), size.ToString());
                }
                catch (ConfigException e)
                {
                    return ApiResult.Error(StatusCodes.Status400BadRequest, $"cache_size: {e.Message}");
                }
                if (cacheSize < 1 << 20)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, "cache_size: the cache needs at least 1 MB");
            }
            var readOnly = body["read_only"]?.GetValue<bool>() ?? false;
            if (node.Services.Running<DriveService>() is not { } drive)
                return Off();
            try
            {
                return ApiResult.Ok(Show(drive.Mount(mountPoint, cacheSize, readOnly)));
            }
            catch (Exception e) when (e is InvalidOperationException or FuseException or PlatformNotSupportedException or IOException
                or UnauthorizedAccessException)
            {
                return ApiResult.Error(StatusCodes.Status409Conflict, e.Message);
            }
        });

        api.MapPost("/drive/unmount/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            var force = body["force"]?.GetValue<bool>() ?? false;
            if (node.Services.Running<DriveService>() is not { } drive)
                return Off();
            try
            {
                return ApiResult.Ok(Show(drive.Unmount(force)));
            }
            catch (InvalidOperationException e)
            {
                return ApiResult.Error(StatusCodes.Status409Conflict, e.Message);
            }
        });

        api.MapPost("/drive/cache/drop/v1", () =>
        {
            if (node.Services.Running<DriveService>() is not { } drive)
                return Off();
            try
            {
                var (dropped, status) = drive.DropCache();
                return ApiResult.Ok(new { dropped_bytes = dropped, status = Show(status) });
            }
            catch (InvalidOperationException e)
            {
                return ApiResult.Error(StatusCodes.Status409Conflict, e.Message);
            }
        });

        api.MapGet("/drive/status/v1", () => node.Services.Running<DriveService>() is { } drive ? ApiResult.Ok(Show(drive.Status())) : Off());
    }

    /// <summary>The drive's status for <c>/event/listen/v1</c>, while the drive service runs.</summary>
    public static Func<IEnumerable<NodeEvent>> Events(NodeApiContext node) => () =>
        node.Services.Running<DriveService>() is { } drive
            ? [new NodeEvent("drive", "drive", new { id = "drive", status = Show(drive.Status()) })]
            : [];

    private static IResult Off() => ApiResult.Error(StatusCodes.Status409Conflict,
        "the drive service is not running: bitdust config set services/drive/enabled true, then restart the node");

    private static object Show(DriveStatus status) => new
    {
        state = status.State, mount_point = status.MountPoint, pending_files = status.PendingFiles, pending_bytes = status.PendingBytes,
        pending = status.PendingPaths.Take(100), open_for_writing = status.OpenForWriting.Take(100), last_error = status.LastError,
        cache_used = status.CacheUsed,
        cache_limit = status.CacheLimit, used_bytes = status.UsedBytes, quota = status.Quota,
        fragments_requested = status.FragmentsRequested,
    };
}
