using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/transfer/list/v1</c>: every upload, download and rebuild of this run, and the upload jobs kept from before.</summary>
public static class TransferEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node) =>
        api.MapGet("/transfer/list/v1", () => CustomerAccess.TryStorage(node, out var storage, out var error)
            ? ApiResult.Ok(storage.Transfers.List().Select(CustomerAccess.Describe))
            : error);
}
