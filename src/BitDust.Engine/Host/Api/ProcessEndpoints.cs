using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/process/*</c>: health, info, stop.</summary>
public static class ProcessEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/process/health/v1", () => ApiResult.Ok(new { }));
        api.MapGet("/process/info/v1", () => ApiResult.Ok(new
        {
            version = NodeApiContext.Version,
            pid = Environment.ProcessId,
            home = node.Home.Root,
            started = node.Started,
            uptime_seconds = (long)(DateTimeOffset.UtcNow - node.Started).TotalSeconds,
        }));
        api.MapGet("/process/stop/v1", () =>
        {
            node.RequestStop();
            return ApiResult.Ok(new { stopping = true });
        });
    }
}
