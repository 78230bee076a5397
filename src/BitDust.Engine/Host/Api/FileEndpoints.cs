using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/file/*</c>: upload a file or folder, download it back, follow the transfer, list, inspect and delete what the
/// catalog holds. Bodies and paths are checked first (400 with the reason); a customer service that is off or still hiring
/// its family is a 409 that says what to do. BitDust's request forms work too: remote paths with a leading '/', a download
/// given only <c>destination_folder</c> (or nothing: the home's <c>downloads</c> folder), <c>GET /file/upload/v1</c> without
/// an id (every upload), a delete whose <c>remote_path</c> is in a JSON body.
/// </summary>
public static class FileEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapPost("/file/upload/start/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "local_path") is not { } local)
                return ApiResult.Error(StatusCodes.Status400BadRequest,
                    "the body needs \"local_path\": the absolute path of a file or folder");
            var remote = body["remote_path"] is null ? null : RemoteIn(RequestBody.GetText(body, "remote_path"));
            if (remote is not null && RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"remote_path: {problem}");
            if (!CustomerAccess.TryReady(node, out var storage, out var refusal))
                return refusal;
            return Start(() =>
            {
                var transfer = storage.StartUpload(local, remote);
                return new { transfer_id = transfer.Id, remote_path = transfer.RemotePath };
            });
        });

        api.MapPost("/file/download/start/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RemoteIn(RequestBody.GetText(body, "remote_path")) is not { } remote)
            {
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"remote_path\", and \"local_path\" " +
                    "(an absolute path to write) or \"destination_folder\" (an absolute folder to write into)");
            }
            if (RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"remote_path: {problem}");
            if (DownloadTarget(node, body, remote) is not { } local)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "destination_folder: an absolute path of a folder");
            long? version = null;
            if (body["version"] is not null)
            {
                if (!long.TryParse(RequestBody.GetText(body, "version"), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
                {
                    return ApiResult.Error(StatusCodes.Status400BadRequest,
                        "version: a version number from 1 (`bitdust file info` lists them)");
                }
                version = number;
            }
            if (!CustomerAccess.TryReady(node, out var storage, out var refusal))
                return refusal;
            return Start(() =>
            {
                var transfer = storage.StartDownload(remote, local, version);
                return new { transfer_id = transfer.Id, remote_path = remote, local_path = transfer.LocalPath };
            });
        });

        api.MapGet("/file/upload/v1", (HttpRequest request) => ShowTransfer(node, request, TransferKind.Upload));
        api.MapGet("/file/download/v1", (HttpRequest request) => ShowTransfer(node, request, TransferKind.Download));

        api.MapGet("/file/list/v1", () => CustomerAccess.TryStorage(node, out var storage, out var error)
            ? ApiResult.Ok(storage.Catalog.ListFiles().Select(f => new
            {
                remote_path = f.RemotePath, size = f.Size, versions = f.Versions, modified = f.Modified, state = f.State,
            }))
            : error);

        api.MapGet("/file/info/v1", (HttpRequest request) =>
        {
            var remote = RemoteIn(request.Query["remote_path"].ToString())!;
            if (RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"give ?remote_path=: {problem}");
            if (!CustomerAccess.TryStorage(node, out var storage, out var error))
                return error;
            try
            {
                var versions = storage.Inspect(remote);
                return ApiResult.Ok(new
                {
                    remote_path = remote,
                    size = versions.Count > 0 ? versions[0].Version.Size : 0,
                    versions = versions.Select(v => new
                    {
                        version = v.Version.File.Version, size = v.Version.Size, created = v.Version.Created, state = v.State,
                        block_count = v.Blocks.Count,
                        blocks = v.Blocks.Select(b => new
                        {
                            index = b.Index, healthy = b.Healthy, total = b.Total, needed = b.Needed, durable = b.Durable,
                        }),
                        below_full_redundancy = v.BelowFullRedundancy,
                    }),
                    suppliers = storage.Family.Members.Select((m, position) => new { position, supplier = m?.Supplier }),
                });
            }
            catch (Exception e) when (CustomerAccess.IsRefusal(e))
            {
                return CustomerAccess.Refusal(e);
            }
        });

        api.MapDelete("/file/delete/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var remote = RemoteIn(request.Query["remote_path"].ToString());
            if (string.IsNullOrEmpty(remote) && request.ContentLength > 0)
            {
                // BitDust's clients send {"remote_path": ...} in the body of the DELETE.
                var (body, bodyError) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
                if (body is null)
                    return ApiResult.Error(StatusCodes.Status400BadRequest, bodyError!);
                remote = RemoteIn(RequestBody.GetText(body, "remote_path"));
            }
            if (RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"give ?remote_path= or a body {{\"remote_path\"}}: {problem}");
            if (!CustomerAccess.TryReady(node, out var storage, out var error))
                return error;
            try
            {
                var deleted = await storage.DeleteAsync(remote!, cancellationToken).ConfigureAwait(false);
                return ApiResult.Ok(new { remote_path = remote, deleted_versions = deleted });
            }
            catch (Exception e) when (CustomerAccess.IsRefusal(e))
            {
                return CustomerAccess.Refusal(e);
            }
        });
    }

    private static IResult Start(Func<object> start)
    {
        try
        {
            return ApiResult.Ok(start());
        }
        catch (Exception e) when (CustomerAccess.IsRefusal(e))
        {
            return CustomerAccess.Refusal(e);
        }
    }

    /// <summary>A remote path from a client, BitDust's leading '/' dropped; null stays null.</summary>
    private static string? RemoteIn(string? path) => path is null ? null : RemotePath.FromClient(path);

    /// <summary>
    /// Where a download writes: <c>local_path</c>; else the remote name inside <c>destination_folder</c>; else inside the home's
    /// <c>downloads</c> folder. Null for a destination folder that is not an absolute path.
    /// </summary>
    private static string? DownloadTarget(NodeApiContext node, System.Text.Json.Nodes.JsonObject body, string remote)
    {
        if (body["local_path"] is not null)
            return RequestBody.GetText(body, "local_path") ?? "";
        var folder = body["destination_folder"] is null
            ? Path.Combine(node.Home.Root, "downloads")
            : RequestBody.GetText(body, "destination_folder");
        return folder is null || !Path.IsPathFullyQualified(folder)
            ? null
            : Path.Combine(folder, remote.Split(RemotePath.Separator)[^1]);
    }

    private static IResult ShowTransfer(NodeApiContext node, HttpRequest request, TransferKind kind)
    {
        var id = request.Query["id"].ToString();
        if (!CustomerAccess.TryStorage(node, out var storage, out var error))
            return error;
        // Without an id, as BitDust's API answers: every transfer of this kind.
        if (id.Length == 0)
            return ApiResult.Ok(storage.Transfers.List().Where(t => t.Kind == kind).Select(CustomerAccess.Describe));
        return storage.Transfers.Find(id) is { } transfer && transfer.Kind == kind
            ? ApiResult.Ok(CustomerAccess.Describe(transfer))
            : ApiResult.Error(StatusCodes.Status404NotFound,
                $"no {kind.ToString().ToLowerInvariant()} with id {id}; `/transfer/list/v1` lists them");
    }
}
