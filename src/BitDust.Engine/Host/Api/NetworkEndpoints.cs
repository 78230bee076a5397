using BitDust.Engine.Host.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/network/*</c>: DHT contacts, the peers connected over TLS, and routing (proxy-server, proxy-transport).</summary>
public static class NetworkEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/network/status/v1", (HttpRequest request) =>
        {
            var dht = node.Services.Running<EntangledDhtService>()?.Node;
            var transport = node.Services.Running<TcpConnectionsService>();
            var withDht = request.Query["dht"] is var flag && flag.Count > 0 && flag[0] is "1" or "true";
            var router = node.Services.Running<ProxyServerService>()?.Router;
            var receiver = node.Services.Running<ProxyTransportService>()?.Receiver;
            return ApiResult.Ok(new
            {
                identity = node.Owner.TryLoad()?.Name,
                tcp = transport is null ? null : new { port = transport.Port, connections = transport.Connections.Count },
                proxy_server = router is null
                    ? null
                    : new { state = "LISTEN", routes = router.Routes.Count, routes_limit = router.Options.RoutesLimit },
                proxy_transport = receiver is null ? null : new
                {
                    state = receiver.State,
                    router = receiver.Router?.Name,
                    router_address = receiver.Router?.Contact.Address,
                    contacts = receiver.Contacts,
                },
                dht = withDht && dht is not null
                    ? new { contacts = dht.ContactCount, port = dht.Port, node_id = dht.NodeId.ToString(), stored_items = dht.StoredItemCount }
                    : null,
            });
        });
        api.MapGet("/network/connected/v1", () =>
        {
            var transport = node.Services.Running<TcpConnectionsService>();
            return transport is null
                ? ApiResult.Error(StatusCodes.Status503ServiceUnavailable, "service tcp-connections is not running")
                : ApiResult.Ok(transport.Connections.Select(c => new { identity = c.PeerIdentity, address = c.RemoteEndPoint?.ToString() }));
        });
    }
}
