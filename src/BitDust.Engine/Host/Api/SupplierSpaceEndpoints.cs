using BitDust.Engine.Host.Services;
using BitDust.Engine.Storage.Supplier;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/space/donated/v1</c> and <c>/customer/list/v1</c>: what this supplier donates and to whom.</summary>
public static class SupplierSpaceEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/space/donated/v1", () => WithStore(node, store =>
        {
            var space = store.Usage();
            return ApiResult.Ok(new
            {
                donated_bytes = space.DonatedBytes,
                granted_bytes = space.GrantedBytes,
                used_bytes = space.UsedBytes,
                free_bytes = space.FreeBytes,
                customers = space.Customers,
            });
        }));
        api.MapGet("/customer/list/v1", () => WithStore(node, store => ApiResult.Ok(store.Customers().Select(c => new
        {
            customer = c.Name,
            key_fingerprint = c.KeyFingerprint,
            quota_bytes = c.QuotaBytes,
            used_bytes = c.UsedBytes,
            fragments = c.Fragments,
        }))));
    }

    private static IResult WithStore(NodeApiContext node, Func<FragmentStore, IResult> answer)
    {
        if (node.Services.Running<SupplierService>()?.Store is not { } store)
        {
            return ApiResult.Error(StatusCodes.Status409Conflict,
                "service supplier is not running: donate space with `bitdust set services/supplier/enabled true` then `bitdust restart` " +
                "(`bitdust states` says why a service is off)");
        }
        try
        {
            return answer(store);
        }
        catch (StoreRefusedException e)
        {
            return ApiResult.Error(StatusCodes.Status409Conflict, e.Reason);
        }
    }
}
