using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace BitDust.Engine.Host.Api;

/// <summary>
/// <c>/service/*</c>: each service, ON or OFF, its state and why it is off; one service stopped, started or restarted while the
/// node runs (its dependents stop with it; one stopped this way stays off until started, or until the node restarts).
/// </summary>
public static class ServiceEndpoints
{
    public static void Map(IEndpointRouteBuilder api, NodeApiContext node)
    {
        api.MapGet("/service/list/v1", () => ApiResult.Ok(node.Services.List().Select(Describe)));
        api.MapGet("/service/info/{name}/v1", (string name) =>
            Named(node, name) is { } status ? ApiResult.Ok(Describe(status)) : NotFound(name));
        api.MapPost("/service/start/{name}/v1", async (string name, CancellationToken cancellationToken) =>
        {
            if (Named(node, name) is not { } status)
                return NotFound(name);
            var started = await node.Services.StartServiceAsync(status.Name, cancellationToken).ConfigureAwait(false);
            var now = Named(node, name)!;
            return now.Running
                ? ApiResult.Ok(new { service = Describe(now), started })
                : ApiResult.Error(StatusCodes.Status409Conflict, $"{status.Name} did not start: {now.Reason}");
        });
        api.MapPost("/service/stop/{name}/v1", async (string name, CancellationToken cancellationToken) =>
        {
            if (Named(node, name) is not { } status)
                return NotFound(name);
            var stopped = await node.Services.StopServiceAsync(status.Name, cancellationToken).ConfigureAwait(false);
            return ApiResult.Ok(new { service = Describe(Named(node, name)!), stopped });
        });
        api.MapPost("/service/restart/{name}/v1", async (string name, CancellationToken cancellationToken) =>
        {
            if (Named(node, name) is not { } status)
                return NotFound(name);
            var started = await node.Services.RestartServiceAsync(status.Name, cancellationToken).ConfigureAwait(false);
            var now = Named(node, name)!;
            return now.Running
                ? ApiResult.Ok(new { service = Describe(now), started })
                : ApiResult.Error(StatusCodes.Status409Conflict, $"{status.Name} did not start again: {now.Reason}");
        });
    }

    /// <summary>A service by our name (<c>entangled-dht</c>) or BitDust's (<c>service_entangled_dht</c>).</summary>
    private static Services.ServiceStatus? Named(NodeApiContext node, string name) =>
        node.Services.List().FirstOrDefault(s => s.Name == name || $"service_{s.Name.Replace('-', '_')}" == name);

    private static IResult NotFound(string name) =>
        ApiResult.Error(StatusCodes.Status404NotFound, $"no service named {name}; /service/list/v1 lists them");

    private static object Describe(Services.ServiceStatus status) => new
    {
        name = $"service_{status.Name.Replace('-', '_')}",
        config_path = $"services/{status.Name}/enabled",
        enabled = status.Enabled,
        state = status.Running ? "ON" : "OFF",
        network_state = status.State,
        depends = status.DependsOn,
        reason = status.Reason,
        off_because = status.Off switch
        {
            null => null,
            Services.ServiceOff.SwitchedOff => "switched_off",
            Services.ServiceOff.Conflict => "conflict",
            Services.ServiceOff.DependencyOff => "dependency_off",
            Services.ServiceOff.Failed => "failed",
            _ => "stopped",
        },
        detail = status.Detail,
    };
}
