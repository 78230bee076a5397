using BitDust.Engine.Host.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/router/*</c>: what this node routes while it is a router (proxy-server).</summary>
public static class RouterEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/router/list/v1", () =>
        {
            if (node.Services.Running<ProxyServerService>()?.Router is not { } router)
            {
                return ApiResult.Error(StatusCodes.Status503ServiceUnavailable,
                    "service proxy-server is not running: `bitdust set services/proxy-transport/enabled false`, then " +
                    "`bitdust set services/proxy-server/enabled true` and `bitdust restart`");
            }
            return ApiResult.Ok(new
            {
                router = router.Name,
                routes_limit = router.Options.RoutesLimit,
                routes = router.Routes.Select(r => new
                {
                    identity = r.Identity,
                    key = r.Fingerprint,
                    since = r.Since,
                    last_keep = r.LastKeep,
                    bytes_relayed = r.BytesRelayed,
                    tunnels = r.Tunnels,
                    supplier = r.Supplier,
                }),
            });
        });
    }
}
