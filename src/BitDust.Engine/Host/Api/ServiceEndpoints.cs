using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary><c>/service/*</c>: each service, ON or OFF, its state and why it is off.</summary>
public static class ServiceEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/service/list/v1", () => ApiResult.Ok(node.Services.List().Select(Describe)));
        api.MapGet("/service/info/{name}/v1", (string name) =>
        {
            var status = node.Services.List().FirstOrDefault(s => s.Name == name || $"service_{s.Name.Replace('-', '_')}" == name);
            return status is null
                ? ApiResult.Error(StatusCodes.Status404NotFound, $"no service named {name}; /service/list/v1 lists them")
                : ApiResult.Ok(Describe(status));
        });
    }

    private static object Describe(Services.ServiceStatus status) => new
    {
        name = $"service_{status.Name.Replace('-', '_')}",
        config_path = $"services/{status.Name}/enabled",
        enabled = status.Enabled,
        state = status.Running ? "ON" : "OFF",
        network_state = status.State,
        depends = status.DependsOn,
        reason = status.Reason,
        detail = status.Detail,
    };
}
