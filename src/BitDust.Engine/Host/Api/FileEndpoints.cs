using BitDust.Engine.Storage.Customer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/file/*</c>: upload a file or folder, download it back, follow the transfer, list, inspect and delete what the
/// catalog holds. Bodies and paths are checked first (400 with the reason); a customer service that is off or still hiring
/// its family is a 409 that says what to do.
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
            var remote = body["remote_path"] is null ? null : RequestBody.GetText(body, "remote_path");
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
            if (RequestBody.GetText(body, "remote_path") is not { } remote || RequestBody.GetText(body, "local_path") is not { } local)
                return ApiResult.Error(StatusCodes.Status400BadRequest,
                    "the body needs \"remote_path\" and \"local_path\" (an absolute path to write)");
            if (RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"remote_path: {problem}");
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
            return Start(() => new { transfer_id = storage.StartDownload(remote, local, version).Id });
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
            var remote = request.Query["remote_path"].ToString();
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
            var remote = request.Query["remote_path"].ToString();
            if (RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"give ?remote_path=: {problem}");
            if (!CustomerAccess.TryReady(node, out var storage, out var error))
                return error;
            try
            {
                var deleted = await storage.DeleteAsync(remote, cancellationToken).ConfigureAwait(false);
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

    private static IResult ShowTransfer(NodeApiContext node, HttpRequest request, TransferKind kind)
    {
        var id = request.Query["id"].ToString();
        if (id.Length == 0)
            return ApiResult.Error(StatusCodes.Status400BadRequest, "give ?id= of a transfer (`/transfer/list/v1` lists them)");
        if (!CustomerAccess.TryStorage(node, out var storage, out var error))
            return error;
        return storage.Transfers.Find(id) is { } transfer && transfer.Kind == kind
            ? ApiResult.Ok(CustomerAccess.Describe(transfer))
            : ApiResult.Error(StatusCodes.Status404NotFound,
                $"no {kind.ToString().ToLowerInvariant()} with id {id}; `/transfer/list/v1` lists them");
    }
}
