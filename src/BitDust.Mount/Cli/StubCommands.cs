using System.CommandLine;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary>
/// <c>bitdust stub PATH</c> and <c>bitdust materialize X.f</c>: a local file traded for its small <c>.f</c> stand-in and back,
/// without a mount. The node does the work (an interrupted CLI leaves it going); the CLI starts it and follows it.
/// </summary>
internal static class StubCommands
{
    private static readonly string[] UploadDone = ["durable", "complete"];
    private static readonly string[] DownloadDone = ["complete"];
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    public static IEnumerable<Command> Create()
    {
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (no progress)." };

        var path = new Argument<string>("path") { Description = "The file to replace by PATH.f" };
        var remote = new Argument<string?>("remote")
        {
            Description = "Its path in the network, '/'-separated (default: the file name)", Arity = ArgumentArity.ZeroOrOne,
        };
        var stub = new Command("stub", "Upload a file and, once it is durable, replace it by its stub PATH.f (the node does the " +
            "replacing; if the upload fails PATH stays).") { path, remote, json };
        stub.SetAction((parse, ct) => StubAsync(parse.GetValue(path)!, parse.GetValue(remote), parse.GetValue(json), ct));
        yield return stub;

        var stubPath = new Argument<string>("stub") { Description = "A .f stub" };
        var to = new Option<string?>("--to") { Description = "Where to write the file (default: the stub's path without .f)" };
        var materialize = new Command("materialize", "Write the original of a .f stub, byte-exact, fetched from the network.")
        {
            stubPath, to, json,
        };
        materialize.SetAction((parse, ct) => MaterializeAsync(parse.GetValue(stubPath)!, parse.GetValue(to), parse.GetValue(json), ct));
        yield return materialize;
    }

    private static Task<int> MaterializeAsync(string stub, string? to, bool json, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(stub);
        if (!File.Exists(full))
        {
            Console.Error.WriteLine($"error: there is no stub at {full}");
            return Task.FromResult(ExitCodes.Usage);
        }
        var body = new JsonObject { ["stub_path"] = full };
        if (to is not null)
            body["local_path"] = Path.GetFullPath(to);
        return ApiCall.RunAsync(async client =>
        {
            var (status, ok, answer) = await client.CallAsync(HttpMethod.Post, "/file/materialize/v1", body.ToJsonString(), cancellationToken)
                .ConfigureAwait(false);
            if (!ok)
                return Output.Failure(status, answer);
            var started = answer?["result"] ?? new JsonObject();
            if (!json)
                Console.WriteLine($"materializing {full} to {Units.Text(started["local_path"])}");
            return await TransferWatch.WaitAsync(client, "download", Units.Text(started["transfer_id"]), DownloadDone, json,
                cancellationToken).ConfigureAwait(false);
        });
    }

    private static Task<int> StubAsync(string path, string? remote, bool json, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            Console.Error.WriteLine($"error: there is no file at {full}");
            return Task.FromResult(ExitCodes.Usage);
        }
        var body = new JsonObject { ["local_path"] = full };
        if (remote is not null)
            body["remote_path"] = remote;
        return ApiCall.RunAsync(async client =>
        {
            var (status, ok, answer) = await client.CallAsync(HttpMethod.Post, "/file/stub/v1", body.ToJsonString(), cancellationToken)
                .ConfigureAwait(false);
            if (!ok)
                return Output.Failure(status, answer);
            var started = answer?["result"] ?? new JsonObject();
            var id = Units.Text(started["transfer_id"]);
            if (!json)
            {
                Console.WriteLine($"uploading {full} as {Units.Text(started["remote_path"])}; it becomes {Units.Text(started["stub_path"])} " +
                    "once durable");
                var uploaded = await TransferWatch.WaitAsync(client, "upload", id, UploadDone, json: false, cancellationToken)
                    .ConfigureAwait(false);
                if (uploaded != ExitCodes.Ok)
                    return uploaded;
            }
            return await WaitForReplacementAsync(client, id, json, cancellationToken).ConfigureAwait(false);
        });
    }

    /// <summary>Waits until the node has replaced the file by its stub, or has said why it did not.</summary>
    private static async Task<int> WaitForReplacementAsync(ApiClient client, string id, bool json, CancellationToken cancellationToken)
    {
        var path = $"/file/stub/v1?id={Uri.EscapeDataString(id)}";
        while (true)
        {
            JsonNode? answer;
            bool ok;
            try
            {
                (ok, answer) = await client.SendAsync(HttpMethod.Get, path, null, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                Console.Error.WriteLine($"stopped watching; the node goes on and replaces the file once it is durable: bitdust api GET \"{path}\"");
                return ExitCodes.Failed;
            }
            if (!ok || answer?["result"] is not { } replacement)
                return Output.Failure(answer);
            var state = Units.Text(replacement["state"]);
            if (state != "uploading")
            {
                if (json)
                    Output.Json(replacement);
                if (state == "replaced")
                {
                    if (!json)
                        Console.WriteLine($"{Units.Text(replacement["local_path"])} -> {Units.Text(replacement["stub_path"])}");
                    return ExitCodes.Ok;
                }
                Console.Error.WriteLine($"error: {Units.Text(replacement["local_path"])} was not replaced: {Units.Text(replacement["error"])}");
                return ExitCodes.Failed;
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }
}
