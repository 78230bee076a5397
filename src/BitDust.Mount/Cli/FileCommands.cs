using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace BitDust.Mount.Cli;

/// <summary><c>bitdust file upload|download|list|info|delete</c>: the customer's files in the network, through the REST API.</summary>
internal static class FileCommands
{
    private static readonly string[] UploadDone = ["durable", "complete"];
    private static readonly string[] DownloadDone = ["complete"];

    public static Command Create()
    {
        var file = new Command("file", "Files kept in the network: upload, download, list, info, delete.");
        var json = new Option<bool>("--json") { Description = "Print the result as JSON (no progress)." };

        var local = new Argument<string>("path") { Description = "A file, or a folder (uploaded with everything under it)" };
        var remote = new Argument<string?>("remote")
        {
            Description = "Its path in the network, '/'-separated (default: the file or folder name)", Arity = ArgumentArity.ZeroOrOne,
        };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the upload is queued; print its transfer id." };
        var upload = new Command("upload",
            "Upload a file or a folder; waits until every block is durable (k plus the durable margin of fragments stored).")
        {
            local, remote, noWait, json,
        };
        upload.SetAction((parse, ct) =>
            UploadAsync(parse.GetValue(local)!, parse.GetValue(remote), parse.GetValue(noWait), parse.GetValue(json), ct));
        file.Subcommands.Add(upload);

        var source = new Argument<string>("remote") { Description = "A file's path in the network, or a folder prefix" };
        var destination = new Argument<string>("path") { Description = "The file to write (for a prefix: the folder)" };
        var version = new Option<long?>("--version")
        {
            Description = "An older version of the file (`bitdust file info` lists the versions kept); default: the newest",
        };
        var download = new Command("download", "Download a file (or everything under a prefix); waits until it is written and verified.")
        {
            source, destination, version, json,
        };
        download.SetAction((parse, ct) => DownloadAsync(parse.GetValue(source)!, parse.GetValue(destination)!, parse.GetValue(version),
            parse.GetValue(json), ct));
        file.Subcommands.Add(download);

        var list = new Command("list", "Every file in the network: size, versions, when modified, state.") { json };
        list.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/file/list/v1", null, parse.GetValue(json), RenderList, ct));
        file.Subcommands.Add(list);

        var infoPath = new Argument<string>("remote") { Description = "A file's path in the network" };
        var info = new Command("info", "A file's versions, each block's healthy fragments, and its suppliers.") { infoPath, json };
        info.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Get, "/file/info/v1?remote_path=" +
            Uri.EscapeDataString(parse.GetValue(infoPath)!), null, parse.GetValue(json), RenderInfo, ct));
        file.Subcommands.Add(info);

        var deletePath = new Argument<string>("remote") { Description = "A file's path in the network" };
        var delete = new Command("delete", "Delete a file, every version of it, from the network.") { deletePath, json };
        delete.SetAction((parse, ct) => ApiCall.ShowAsync(HttpMethod.Delete, "/file/delete/v1?remote_path=" +
            Uri.EscapeDataString(parse.GetValue(deletePath)!), null, parse.GetValue(json),
            result => Console.WriteLine(
                $"deleted {Units.Text(result["remote_path"])}: {Units.Long(result["deleted_versions"])} version(s)"), ct));
        file.Subcommands.Add(delete);
        return file;
    }

    private static async Task<int> UploadAsync(string path, string? remote, bool noWait, bool json, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (!File.Exists(full) && !Directory.Exists(full))
        {
            Console.Error.WriteLine($"error: there is no file or folder at {full}");
            return ExitCodes.Usage;
        }
        var body = new JsonObject { ["local_path"] = full };
        if (remote is not null)
            body["remote_path"] = remote;
        return await StartAsync("upload", body, UploadDone, noWait, json, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<int> DownloadAsync(string remote, string path, long? version, bool json, CancellationToken cancellationToken)
    {
        var full = Path.GetFullPath(path);
        if (Path.GetDirectoryName(full) is { } parent && !Directory.Exists(parent))
        {
            Console.Error.WriteLine($"error: the folder {parent} does not exist");
            return ExitCodes.Usage;
        }
        var body = new JsonObject { ["remote_path"] = remote, ["local_path"] = full };
        if (version is { } number)
            body["version"] = number;
        return await StartAsync("download", body, DownloadDone, noWait: false, json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Starts the transfer, then follows it (or, with <paramref name="noWait"/>, says how to).</summary>
    private static Task<int> StartAsync(string kind, JsonObject body, IReadOnlyCollection<string> doneStates, bool noWait, bool json,
        CancellationToken cancellationToken) =>
        ApiCall.RunAsync(async client =>
        {
            var (status, ok, answer) = await client
                .CallAsync(HttpMethod.Post, $"/file/{kind}/start/v1", body.ToJsonString(), cancellationToken).ConfigureAwait(false);
            if (!ok)
                return Output.Failure(status, answer);
            var started = answer?["result"] ?? new JsonObject();
            var id = Units.Text(started["transfer_id"]);
            var remote = started["remote_path"] is { } named ? Units.Text(named) : Units.Text(body["remote_path"]);
            if (noWait)
            {
                if (json)
                    Output.Json(started);
                else
                    Console.WriteLine($"{kind} of {remote} queued as transfer {id}; follow it: " +
                        $"bitdust api GET \"/file/{kind}/v1?id={id}\"");
                return ExitCodes.Ok;
            }
            if (!json)
                Console.WriteLine(kind == "upload"
                    ? $"uploading {body["local_path"]} as {remote}"
                    : $"downloading {remote} to {body["local_path"]}");
            return await TransferWatch.WaitAsync(client, kind, id, doneStates, json, cancellationToken).ConfigureAwait(false);
        });

    private static void RenderList(JsonNode result)
    {
        var table = new TextTable("REMOTE PATH", "SIZE", "VERSIONS", "MODIFIED", "STATE");
        foreach (var file in result.AsArray().OfType<JsonNode>())
        {
            table.Add(Units.Text(file["remote_path"]), Units.Bytes(Units.Long(file["size"])), Units.Text(file["versions"]),
                Units.Time(file["modified"]), Units.Text(file["state"]));
        }
        if (table.Count == 0)
            Console.WriteLine("no files in the network yet: bitdust file upload PATH");
        else
            table.Write(Console.Out);
    }

    private static void RenderInfo(JsonNode result)
    {
        var versions = result["versions"] as JsonArray ?? [];
        Console.WriteLine($"{Units.Text(result["remote_path"])}: {Units.Bytes(Units.Long(result["size"]))}, {versions.Count} version(s)");
        foreach (var version in versions.OfType<JsonNode>())
        {
            Console.WriteLine();
            Console.WriteLine($"version {Units.Text(version["version"])}: {Units.Bytes(Units.Long(version["size"]))}, created " +
                $"{Units.Time(version["created"])}, {Units.Text(version["state"])}, {Units.Long(version["block_count"])} block(s)");
            var blocks = new TextTable("BLOCKS", "HEALTHY/TOTAL", "NEEDED", "DURABLE AT");
            foreach (var (first, last, block) in Runs(version["blocks"] as JsonArray ?? []))
            {
                blocks.Add(first == last ? $"{first}" : $"{first}-{last}",
                    $"{Units.Long(block["healthy"])}/{Units.Long(block["total"])}", Units.Text(block["needed"]),
                    Units.Text(block["durable"]));
            }
            blocks.Write(Console.Out, "  ");
            var below = (version["below_full_redundancy"] as JsonArray ?? []).Select(Units.Long).ToList();
            Console.WriteLine($"  blocks below full redundancy: {(below.Count == 0 ? "none" : Ranges(below))}");
        }
        var suppliers = new TextTable("POSITION", "SUPPLIER");
        foreach (var supplier in (result["suppliers"] as JsonArray ?? []).OfType<JsonNode>())
            suppliers.Add(Units.Text(supplier["position"]), Units.Text(supplier["supplier"]));
        if (suppliers.Count > 0)
        {
            Console.WriteLine();
            suppliers.Write(Console.Out);
        }
    }

    /// <summary>Consecutive blocks with the same health as one row: a healthy 1 GiB file is one line, not 256.</summary>
    private static IEnumerable<(long First, long Last, JsonNode Block)> Runs(JsonArray blocks)
    {
        (long First, long Last, JsonNode Block)? run = null;
        foreach (var block in blocks.OfType<JsonNode>())
        {
            var index = Units.Long(block["index"]);
            if (run is { } current && current.Last + 1 == index && SameHealth(current.Block, block))
            {
                run = current with { Last = index };
                continue;
            }
            if (run is { } finished)
                yield return finished;
            run = (index, index, block);
        }
        if (run is { } tail)
            yield return tail;
    }

    private static bool SameHealth(JsonNode a, JsonNode b) =>
        Units.Long(a["healthy"]) == Units.Long(b["healthy"]) && Units.Long(a["total"]) == Units.Long(b["total"]) &&
        Units.Long(a["needed"]) == Units.Long(b["needed"]) && Units.Long(a["durable"]) == Units.Long(b["durable"]);

    /// <summary>"3, 7-9, 12".</summary>
    private static string Ranges(IReadOnlyList<long> indexes)
    {
        var parts = new List<string>();
        for (var i = 0; i < indexes.Count;)
        {
            var j = i;
            while (j + 1 < indexes.Count && indexes[j + 1] == indexes[j] + 1)
                j++;
            parts.Add(i == j ? $"{indexes[i]}" : $"{indexes[i]}-{indexes[j]}");
            i = j + 1;
        }
        return string.Join(", ", parts);
    }
}
