using System.Text.Json.Nodes;
using BitDust.Engine.Common;

namespace BitDust.Mount.Cli;

/// <summary>The shape of most verbs: call the node in BITDUST_HOME, print its result or its errors; no node is exit code 3.</summary>
internal static class ApiCall
{
    /// <summary>Runs <paramref name="action"/> with a client of the node in BITDUST_HOME; no node answering is exit code 3.</summary>
    public static async Task<int> RunAsync(Func<ApiClient, Task<int>> action)
    {
        using var client = new ApiClient(NodeHome.FromEnvironment());
        try
        {
            return await action(client).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return ExitCodes.NotRunning;
        }
    }

    /// <summary>
    /// Calls one endpoint; prints its result as JSON when <paramref name="json"/> (or when there is no <paramref name="render"/>),
    /// else renders it for people. The API's errors are printed as they are.
    /// </summary>
    public static Task<int> ShowAsync(HttpMethod method, string path, JsonNode? body, bool json, Action<JsonNode>? render,
        CancellationToken cancellationToken) =>
        RunAsync(async client =>
        {
            var (status, ok, answer) = await client.CallAsync(method, path, body?.ToJsonString(), cancellationToken).ConfigureAwait(false);
            if (!ok)
                return Output.Failure(status, answer);
            var result = answer?["result"] ?? new JsonObject();
            if (json || render is null)
                Output.Json(result);
            else
                render(result);
            return ExitCodes.Ok;
        });
}
