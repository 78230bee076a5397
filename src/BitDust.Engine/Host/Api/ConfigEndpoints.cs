using BitDust.Engine.Host.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/config/*</c>: keys contain slashes, so the key is everything between the verb and <c>/v1</c>.</summary>
public static class ConfigEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/config/list/v1", () => ApiResult.Ok(node.Config.List().Select(Describe)));
        api.MapGet("/config/get/{**path}", (string path) =>
        {
            if (!TryKey(path, out var name))
                return ApiResult.Error(StatusCodes.Status404NotFound, "use /config/get/<key>/v1");
            try
            {
                var key = ConfigSchema.Get(name);
                return ApiResult.Ok(Describe((key, node.Config.Get(key.Name), node.Config.IsSet(key.Name))));
            }
            catch (ConfigException e)
            {
                return ApiResult.Error(StatusCodes.Status400BadRequest, e.Message);
            }
        });
        api.MapPost("/config/set/{**path}", async (string path, HttpRequest request, CancellationToken cancellationToken) =>
        {
            if (!TryKey(path, out var name))
                return ApiResult.Error(StatusCodes.Status404NotFound, "use /config/set/<key>/v1");
            var (body, error) = await RequestBody.ReadObjectAsync(request, cancellationToken).ConfigureAwait(false);
            if (body is null)
                return ApiResult.Error(StatusCodes.Status400BadRequest, error!);
            if (RequestBody.GetText(body, "value") is not { } value)
                return ApiResult.Error(StatusCodes.Status400BadRequest, "the body needs a \"value\"");
            try
            {
                var stored = await node.Config.SetAsync(name, value, cancellationToken).ConfigureAwait(false);
                return ApiResult.Ok(new { key = name, value = stored, restart_needed = !ConfigSchema.Get(name).Live });
            }
            catch (ConfigException e)
            {
                return ApiResult.Error(StatusCodes.Status400BadRequest, e.Message);
            }
        });
    }

    private static bool TryKey(string path, out string key)
    {
        key = path.EndsWith("/v1", StringComparison.Ordinal) ? path[..^3] : "";
        return key.Length > 0;
    }

    private static object Describe((ConfigKey Key, string Value, bool IsSet) entry) => new
    {
        key = entry.Key.Name,
        value = entry.Value,
        @default = entry.Key.Default,
        is_default = !entry.IsSet,
        type = entry.Key.Kind.ToString().ToLowerInvariant(),
        description = entry.Key.Description,
    };
}
