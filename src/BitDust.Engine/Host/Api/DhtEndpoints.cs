using System.Text;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Identity;
using BitDust.Engine.Network.Dht;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/dht/*</c>: find nodes, and read and write values. A value is a BEP 44 mutable item signed by its writer's DHT key,
/// the key string as salt, so nobody else can overwrite it; reading another identity's value names that identity.
/// </summary>
public static class DhtEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/dht/node/find/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (node.Services.Running<EntangledDhtService>()?.Node is not { } dht)
                return NotRunning();
            var text = request.Query["node_id"].ToString();
            NodeId target;
            try
            {
                target = text.Length == 0 ? NodeId.Random() : NodeId.Parse(text);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                return ApiResult.Error(StatusCodes.Status400BadRequest, "node_id must be 40 hex digits");
            }
            var result = await dht.FindNodeAsync(target, cancellationToken).ConfigureAwait(false);
            return ApiResult.Ok(new
            {
                target = target.ToString(),
                hops = result.Hops,
                nodes = result.Closest.Select(c => new { node_id = c.Id.ToString(), address = c.EndPoint.ToString() }),
            });
        });

        api.MapPost("/dht/value/set/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (node.Services.Running<EntangledDhtService>()?.Node is not { } dht)
                return NotRunning();
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "key") is not { } key || RequestBody.GetText(body, "value") is not { } value)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs \"key\" and \"value\"");
            if (Encoding.UTF8.GetByteCount(key) > Bep44.MaxSaltLength || Encoding.UTF8.GetByteCount(value) > Bep44.MaxValueLength - 8)
                return ApiResult.Error(StatusCodes.Status400BadRequest,
                    $"a key is at most {Bep44.MaxSaltLength} bytes and a value at most {Bep44.MaxValueLength - 8}");
            if (node.Owner.TryLoad() is null)
                return ApiResult.Error(StatusCodes.Status409Conflict, "values are signed by the node's identity: create one first");
            using var keys = node.Owner.LoadKeys();
            var stored = await dht.PutMutableAsync(OwnerIdentity.DhtKey(keys.MasterKey), Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value),
                sequence: null, compareAndSwap: null, cancellationToken).ConfigureAwait(false);
            return stored.Copies > 0
                ? ApiResult.Ok(new { key, copies = stored.Copies, seq = stored.Sequence })
                : ApiResult.Error(StatusCodes.Status502BadGateway, $"no DHT node stored the value: {stored.Rejection}");
        });

        api.MapGet("/dht/value/get/v1", async (HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (node.Services.Running<EntangledDhtService>()?.Node is not { } dht)
                return NotRunning();
            var key = request.Query["key"].ToString();
            if (key.Length == 0 || Encoding.UTF8.GetByteCount(key) > Bep44.MaxSaltLength)
                return ApiResult.Error(StatusCodes.Status400BadRequest, $"give ?key= of 1..{Bep44.MaxSaltLength} bytes");
            var ownerName = request.Query["owner"].ToString();
            var owner = ownerName.Length == 0 ? node.Owner.TryLoad() : await node.Resolver.FindAsync(ownerName, cancellationToken).ConfigureAwait(false);
            if (owner is null)
                return ApiResult.Error(StatusCodes.Status404NotFound, ownerName.Length == 0
                    ? "this node has no identity; name the writer with ?owner=NAME"
                    : $"no identity server knows \"{ownerName}\"");
            var item = await dht.GetMutableAsync(owner.DhtPublicKey.ToArray(), Encoding.UTF8.GetBytes(key), cancellationToken).ConfigureAwait(false);
            return item?.Value is { } value
                ? ApiResult.Ok(new { key, owner = owner.Name, value = Encoding.UTF8.GetString(value), seq = item.Sequence })
                : ApiResult.Error(StatusCodes.Status404NotFound, $"no value \"{key}\" of {owner.Name} in the DHT");
        });
    }

    private static IResult NotRunning() => ApiResult.Error(StatusCodes.Status503ServiceUnavailable, "service entangled-dht is not running");
}
