using System.Diagnostics.CodeAnalysis;
using BitDust.Engine.Host.Services;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Transfers;
using Microsoft.AspNetCore.Http;

namespace BitDust.Engine.Host.Api;

/// <summary>How the customer endpoints reach the customer service, and the errors they share.</summary>
internal static class CustomerAccess
{
    /// <summary>The customer's storage once the service runs (its family may still be hiring), else a 409 saying how to start it.</summary>
    public static bool TryStorage(NodeApiContext node, [NotNullWhen(true)] out CustomerStorage? storage,
        [NotNullWhen(false)] out IResult? error)
    {
        storage = node.Services.Running<CustomerService>()?.Storage;
        error = storage is null ? NotRunning(node) : null;
        return storage is not null;
    }

    /// <summary>The storage when the family is hired and transfers can run, else a 409 with the service's state.</summary>
    public static bool TryReady(NodeApiContext node, [NotNullWhen(true)] out CustomerStorage? storage,
        [NotNullWhen(false)] out IResult? error)
    {
        var service = node.Services.Running<CustomerService>();
        storage = service is { IsReady: true } ? service.Storage : null;
        error = storage is not null ? null
            : service is null ? NotRunning(node)
            : ApiResult.Error(StatusCodes.Status409Conflict,
                $"the customer service is {service.State}{(service.Detail is { } detail ? $": {detail}" : "")}; " +
                "files can be sent once it is READY");
        return storage is not null;
    }

    /// <summary>The errors the storage raises for what a caller sent: 400 bad input, 404 unknown path, 409 not possible yet.</summary>
    public static IResult Refusal(Exception exception) => exception switch
    {
        RemoteFileNotFoundException => ApiResult.Error(StatusCodes.Status404NotFound, exception.Message),
        ArgumentException => ApiResult.Error(StatusCodes.Status400BadRequest, exception.Message),
        _ => ApiResult.Error(StatusCodes.Status409Conflict, exception.Message),
    };

    public static bool IsRefusal(Exception exception) =>
        exception is RemoteFileNotFoundException or ArgumentException or InvalidOperationException or IOException
            or UnauthorizedAccessException;

    public static object Describe(Transfer transfer) => new
    {
        id = transfer.Id,
        kind = transfer.Kind.ToString().ToLowerInvariant(),
        remote_path = transfer.RemotePath,
        local_path = transfer.LocalPath,
        state = transfer.State.ToString().ToLowerInvariant(),
        bytes_total = transfer.BytesTotal,
        bytes_done = transfer.BytesDone,
        files_total = transfer.FilesTotal,
        files_done = transfer.FilesDone,
        error = transfer.Error,
        started = transfer.Started,
        finished = transfer.Finished,
    };

    private static IResult NotRunning(NodeApiContext node)
    {
        var status = node.Services.List().FirstOrDefault(s => s.Name == "customer");
        var message = status is { Enabled: false }
            ? "the customer service is off: turn it on with `bitdust set services/customer/enabled true`, then restart the node"
            : $"the customer service is not running{(status?.Reason is { } reason ? $" ({reason})" : "")}; `bitdust states` says why";
        return ApiResult.Error(StatusCodes.Status409Conflict, message);
    }
}
