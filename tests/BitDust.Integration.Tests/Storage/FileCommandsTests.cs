using System.Text.Json.Nodes;

namespace BitDust.Integration.Tests.Storage;

/// <summary>The file verbs against the storage REST contract, served by a fake node: progress, results, errors, exit codes.</summary>
public sealed class FileCommandsTests
{
    private const long Total = 1 << 20;

    [Fact]
    public async Task Upload_follows_the_transfer_until_durable_with_a_progress_line_a_second_and_a_final_rate()
    {
        var polls = 0;
        await using var node = FakeNodeApi.Start((request, _) => request.Url!.AbsolutePath switch
        {
            "/file/upload/start/v1" => FakeNodeApi.Ok(new JsonObject { ["transfer_id"] = "t1", ["remote_path"] = "docs/report.bin" }),
            "/file/upload/v1" when request.QueryString["id"] == "t1" => FakeNodeApi.Ok(++polls switch
            {
                1 => Transfer("upload", "queued", 0),
                < 12 => Transfer("upload", "running", Total * polls / 12),
                _ => Transfer("upload", "durable", Total),
            }),
            _ => FakeNodeApi.Error(404, "no such endpoint"),
        });
        var file = Path.Combine(node.Cli.Home, "report.bin");
        await File.WriteAllBytesAsync(file, new byte[Total]);

        var (code, output, error) = await node.Cli.RunAsync("file", "upload", file, "docs/report.bin");

        Assert.True(code == 0, output + error);
        var start = node.Requests.First(r => r.StartsWith("POST /file/upload/start/v1", StringComparison.Ordinal));
        var body = JsonNode.Parse(start[(start.IndexOf('{', StringComparison.Ordinal))..])!;
        Assert.Equal(file, body["local_path"]!.GetValue<string>());
        Assert.Equal("docs/report.bin", body["remote_path"]!.GetValue<string>());
        // ~12 polls at 200 ms: a plain progress line at most once a second, not one per poll.
        var progress = output.Split('\n').Count(l => l.StartsWith("upload docs/report.bin: ", StringComparison.Ordinal));
        Assert.InRange(progress, 1, 4);
        Assert.Matches(@"upload of docs/report\.bin durable: 1048576 bytes \(1\.0 MiB\), 1 file in [0-9.]+ s, [0-9.]+ MB/s", output);
    }

    [Fact]
    public async Task A_failed_upload_exits_1_with_the_nodes_error_and_json_prints_the_transfer()
    {
        const string Reason = "block 3 of docs/a.txt: only 2 of 4 fragments stored (supplier-2-abcd offline)";
        await using var node = FakeNodeApi.Start((request, _) => request.Url!.AbsolutePath switch
        {
            "/file/upload/start/v1" => FakeNodeApi.Ok(new JsonObject { ["transfer_id"] = "t2", ["remote_path"] = "docs/a.txt" }),
            _ => FakeNodeApi.Ok(Transfer("upload", "failed", 10, Reason)),
        });
        var file = Path.Combine(node.Cli.Home, "a.txt");
        await File.WriteAllTextAsync(file, "hello");

        var (code, output, error) = await node.Cli.RunAsync("file", "upload", file, "docs/a.txt", "--json");

        Assert.Equal(1, code);
        Assert.Contains(Reason, error, StringComparison.Ordinal);
        Assert.Equal("failed", JsonNode.Parse(output)!["state"]!.GetValue<string>());
    }

    [Fact]
    public async Task Download_waits_until_complete_and_the_APIs_errors_are_printed_as_they_are()
    {
        await using var node = FakeNodeApi.Start((request, body) => request.Url!.AbsolutePath switch
        {
            "/file/download/start/v1" when body.Contains("\"../x\"", StringComparison.Ordinal) =>
                FakeNodeApi.Error(400, "remote path \"../x\": no \".\" or \"..\" parts"),
            "/file/download/start/v1" => FakeNodeApi.Ok(new JsonObject { ["transfer_id"] = "d1" }),
            "/file/download/v1" => FakeNodeApi.Ok(Transfer("download", "complete", Total)),
            _ => FakeNodeApi.Error(404, "no such endpoint"),
        });
        var target = Path.Combine(node.Cli.Home, "out.bin");

        var (code, output, error) = await node.Cli.RunAsync("file", "download", "docs/report.bin", target);
        Assert.True(code == 0, output + error);
        Assert.Contains("download of docs/report.bin complete: 1048576 bytes", output, StringComparison.Ordinal);
        Assert.Contains(node.Requests, r => r.Contains($"\"local_path\":\"{target}\"", StringComparison.Ordinal));

        var (bad, _, badError) = await node.Cli.RunAsync("file", "download", "../x", target);
        Assert.Equal(2, bad);
        Assert.Contains("error: remote path \"../x\": no \".\" or \"..\" parts", badError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_shows_each_blocks_health_in_runs_and_the_blocks_below_full_redundancy()
    {
        var blocks = new JsonArray(Enumerable.Range(0, 8).Select(i => (JsonNode?)new JsonObject
        {
            ["index"] = i, ["healthy"] = i is 3 or 5 or 6 ? 6 : 7, ["total"] = 7, ["needed"] = 4, ["durable"] = 5,
        }).ToArray());
        var info = new JsonObject
        {
            ["remote_path"] = "docs/report.bin",
            ["size"] = Total,
            ["versions"] = new JsonArray(new JsonObject
            {
                ["version"] = 2, ["size"] = Total, ["created"] = "2025-01-02T03:04:05Z", ["state"] = "degraded", ["block_count"] = 8,
                ["blocks"] = blocks, ["below_full_redundancy"] = new JsonArray(3, 5, 6),
            }),
            ["suppliers"] = new JsonArray(new JsonObject { ["position"] = 0, ["supplier"] = "supplier-1-abcd" }),
        };
        await using var node = FakeNodeApi.Start((request, _) => request.Url!.AbsolutePath == "/file/info/v1" &&
            request.QueryString["remote_path"] == "docs/report.bin" ? FakeNodeApi.Ok(info) : FakeNodeApi.Error(404, "unknown remote path"));

        var output = await node.Cli.RunOkAsync("file", "info", "docs/report.bin");

        Assert.Contains("version 2: 1.0 MiB", output, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^  0-2 +7/7 +4 +5$", output);
        Assert.Matches(@"(?m)^  5-6 +6/7 +4 +5$", output);
        Assert.Contains("blocks below full redundancy: 3, 5-6", output, StringComparison.Ordinal);
        Assert.Contains("supplier-1-abcd", output, StringComparison.Ordinal);
        var json = await node.Cli.RunOkAsync("file", "info", "docs/report.bin", "--json");
        Assert.Equal(info.ToJsonString(), JsonNode.Parse(json)!.ToJsonString());

        var (missing, _, missingError) = await node.Cli.RunAsync("file", "info", "nope");
        Assert.Equal(1, missing);
        Assert.Contains("error: unknown remote path", missingError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verbs_exit_3_without_a_node_and_2_for_a_local_path_that_does_not_exist()
    {
        await using var cli = BitDustCli.WithFreshHome();
        string[][] verbs = [["file", "list"], ["supplier", "list"], ["customer", "list"], ["space", "consumed"], ["space", "donated"]];
        foreach (var verb in verbs)
        {
            var (code, _, error) = await cli.RunAsync(verb);
            Assert.True(code == 3, $"bitdust {string.Join(' ', verb)} exited {code}: {error}");
            Assert.Contains("no node is running", error, StringComparison.Ordinal);
        }
        var (upload, _, uploadError) = await cli.RunAsync("file", "upload", Path.Combine(cli.Home, "missing.bin"));
        Assert.Equal(2, upload);
        Assert.Contains("there is no file or folder at", uploadError, StringComparison.Ordinal);
    }

    private static JsonObject Transfer(string kind, string state, long done, string? error = null) => new()
    {
        ["id"] = "t", ["kind"] = kind, ["remote_path"] = "docs/report.bin", ["local_path"] = "/tmp/x", ["state"] = state,
        ["bytes_total"] = Total, ["bytes_done"] = done, ["files_total"] = 1, ["files_done"] = state is "durable" or "complete" ? 1 : 0,
        ["error"] = error, ["started"] = "2025-01-02T03:04:05Z", ["finished"] = null,
    };
}
