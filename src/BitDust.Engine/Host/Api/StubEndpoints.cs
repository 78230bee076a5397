using BitDust.Engine.Storage.Customer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/file/materialize/v1</c> turns a <c>.f</c> stub back into its file (a download, followed at <c>/file/download/v1</c>);
/// <c>/file/stub/v1</c> uploads a file and, once it is durable, replaces it by its stub (the upload is followed at
/// <c>/file/upload/v1</c>, the replacement at <c>GET /file/stub/v1</c>). Both work on local paths, without a mount.
/// </summary>
public static class StubEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapPost("/file/materialize/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "stub_path") is not { } stubPath)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"stub_path\": the absolute path of a .f stub");
            var local = body["local_path"] is null ? null : RequestBody.GetText(body, "local_path");
            if (!CustomerAccess.TryReady(node, out var storage, out var refusal))
                return refusal;
            return Answer(() =>
            {
                var transfer = storage.StartMaterialize(stubPath, local);
                return new { transfer_id = transfer.Id, remote_path = transfer.RemotePath, local_path = transfer.LocalPath };
            });
        });

        api.MapPost("/file/stub/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "local_path") is not { } local)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"local_path\": the absolute path of a file");
            var remote = body["remote_path"] is null ? null : RequestBody.GetText(body, "remote_path") is { } given
                ? RemotePath.FromClient(given)
                : null;
            if (remote is not null && RemotePath.Validate(remote) is { } problem)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"remote_path: {problem}");
            if (!CustomerAccess.TryReady(node, out var storage, out var refusal))
                return refusal;
            return Answer(() =>
            {
                var (upload, replacement) = storage.StartStub(local, remote);
                return new { transfer_id = upload.Id, remote_path = upload.RemotePath, stub_path = replacement.StubPath };
            });
        });

        api.MapGet("/file/stub/v1", (HttpRequest request) =>
        {
            var id = request.Query["id"].ToString();
            if (id.Length == 0)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "give ?id= of the upload `/file/stub/v1` started");
            if (!CustomerAccess.TryStorage(node, out var storage, out var error))
                return error;
            return storage.FindStubReplacement(id) is { } replacement
                ? ApiResult.Ok(new
                {
                    id = replacement.Id, local_path = replacement.LocalPath, stub_path = replacement.StubPath,
                    state = replacement.State.ToString().ToLowerInvariant(), error = replacement.Error,
                })
                : ApiResult.Error(StatusCodes.Status404NotFound,
                    $"no stub replacement with id {id} in this run of the node; a restart forgets them (the upload itself resumes)");
        });
    }

    private static IResult Answer(Func<object> start)
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
}
