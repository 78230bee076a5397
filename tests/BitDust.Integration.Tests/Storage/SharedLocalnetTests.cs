using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>One localnet of 7 suppliers for the tests below: none of them kills a supplier.</summary>
public sealed class SevenSupplierLocalnet() : LocalnetFixture(7);

/// <summary>What customers and suppliers see of each other, and a customer that crashes mid-upload, on one shared localnet.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class SharedLocalnetTests(SevenSupplierLocalnet net, ITestOutputHelper output) : IClassFixture<SevenSupplierLocalnet>
{
    [Fact]
    public async Task A_second_customer_cannot_reach_the_firsts_files_and_no_supplier_holds_their_names_or_content_in_plaintext()
    {
        var clock = Stopwatch.StartNew();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var marker = $"PLAINTEXT-MARKER-{Guid.NewGuid():N}";
        var folderName = $"zebra-secrets-{tag}";
        var fileName = $"quartz-ledger-{tag}.txt";
        var local = Path.Combine(net.WorkFolder, folderName);
        Directory.CreateDirectory(Path.Combine(local, "notes"));
        // Text that zstd shrinks, and random bytes it does not: the marker is in both.
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
            text.Append("line ").Append(i).Append(": ").AppendLine(marker);
        await File.WriteAllTextAsync(Path.Combine(local, fileName), text.ToString());
        var noise = new byte[1 << 20];
        Random.Shared.NextBytes(noise);
        for (var at = 0; at + marker.Length < noise.Length; at += 64 << 10)
            Encoding.UTF8.GetBytes(marker).CopyTo(noise, at);
        await File.WriteAllBytesAsync(Path.Combine(local, "notes", $"raw-{fileName}"), noise);
        var hashes = TestFiles.HashTree(local);

        await net.FileOkAsync("upload", local, folderName);
        await net.WaitUploadsCompleteAsync();
        // The catalog, which names every file, is in the network too once it is backed up.
        await net.WaitCatalogBackedUpAsync();
        var status = await net.Customer.RunOkAsync("status");
        Assert.Matches("catalog +backed up as version [0-9]+, with every change", status);
        Assert.Matches("family +its record is in the DHT and with every supplier", status);
        var before = await FragmentsPerSupplierAsync(net.Customer);
        output.WriteLine($"alice's files uploaded and her catalog backed up: {clock.Elapsed.TotalSeconds:0.0} s");

        var bob = await net.AddCustomerAsync($"bob-{tag}");
        output.WriteLine($"bob hired his family: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal("[]", JsonNode.Parse(await LocalnetFixture.FileOkAsync(bob, "list", "--json"))!.ToJsonString());
        var remote = $"{folderName}/{fileName}";
        var stolen = Path.Combine(net.WorkFolder, $"stolen-{tag}.txt");
        var body = new JsonObject { ["remote_path"] = remote, ["local_path"] = stolen }.ToJsonString();
        await AssertRefusedAsync(bob, "POST", "/file/download/start/v1", body);
        await AssertRefusedAsync(bob, "POST", "/file/download/start/v1",
            new JsonObject { ["remote_path"] = folderName, ["local_path"] = stolen }.ToJsonString());
        await AssertRefusedAsync(bob, "GET", $"/file/info/v1?remote_path={Uri.EscapeDataString(remote)}");
        await AssertRefusedAsync(bob, "DELETE", $"/file/delete/v1?remote_path={Uri.EscapeDataString(remote)}");
        await AssertRefusedAsync(bob, "DELETE", $"/file/delete/v1?remote_path={Uri.EscapeDataString(folderName)}");
        Assert.False(File.Exists(stolen) || File.Exists(stolen + ".bitdust-partial"), "bob wrote a file of alice's");

        // Each supplier keeps the two apart (each customer is the key its TLS connection proved), and alice lost nothing.
        var after = await FragmentsPerSupplierAsync(net.Customer);
        var bobs = await FragmentsPerSupplierAsync(bob);
        foreach (var (supplier, fragments) in before)
        {
            Assert.True(after[supplier] >= fragments, $"{supplier} held {fragments} fragments of alice's, now {after[supplier]}");
            Assert.True(bobs.ContainsKey(supplier), $"{supplier} has no contract with bob");
        }
        var downloaded = Path.Combine(net.WorkFolder, $"downloaded-{tag}");
        await net.FileOkAsync("download", folderName, downloaded);
        Assert.Equal(hashes, TestFiles.HashTree(downloaded));

        // No supplier's disk (fragments, index, logs, config) nor the genesis node's holds a name or the content.
        var patterns = new Dictionary<string, byte[]>
        {
            ["the marker"] = Encoding.UTF8.GetBytes(marker),
            ["the file name"] = Encoding.UTF8.GetBytes(fileName),
            ["the folder name"] = Encoding.UTF8.GetBytes(folderName),
        };
        var leaks = net.Suppliers.Select(s => s.Home).Append(net.Genesis.Home).SelectMany(h => TestFiles.Search(h, patterns)).ToList();
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
        // The search finds what is there: the customer's own catalog names the file.
        Assert.Contains(TestFiles.Search(Path.Combine(net.Customer.Home, "data"), patterns),
            hit => hit.EndsWith("holds the file name", StringComparison.Ordinal));
        output.WriteLine($"searched every supplier's home: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_customer_killed_in_the_middle_of_an_upload_resumes_it_when_restarted_and_the_file_reads_back_byte_exact()
    {
        var clock = Stopwatch.StartNew();
        var remote = $"large-{Guid.NewGuid().ToString("N")[..8]}.bin";
        var local = Path.Combine(net.WorkFolder, remote);
        TestFiles.WriteRandom(local, 300L << 20);
        var hash = TestFiles.Sha256(local);
        await net.WaitCustomerReadyAsync();

        var started = JsonNode.Parse(await net.FileOkAsync("upload", local, remote, "--no-wait", "--json"))!;
        var id = started["transfer_id"]!.GetValue<string>();
        var path = $"/file/upload/v1?id={Uri.EscapeDataString(id)}";
        var midway = await LocalnetFixture.PollAsync(async () =>
        {
            var transfer = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, path));
            Assert.False(transfer["state"]!.GetValue<string>() is "durable" or "complete" or "failed",
                $"the upload ended before it could be interrupted: {transfer.ToJsonString()}");
            var done = transfer["bytes_done"]!.GetValue<long>();
            return done > 0 && done < transfer["bytes_total"]!.GetValue<long>() ? transfer : null;
        }, TimeSpan.FromSeconds(60), () => "the upload never got under way\n" + LocalnetFixture.LogTail(net.Customer.Home));
        await net.KillAsync(net.Customer.Home);
        output.WriteLine($"customer killed at {midway["bytes_done"]} of {midway["bytes_total"]} bytes: {clock.Elapsed.TotalSeconds:0.0} s");

        await net.RestartAsync(net.Customer.Home);
        await net.WaitCustomerReadyAsync();
        var resumed = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, path));
        output.WriteLine($"restarted, the upload is {resumed["state"]} at {resumed["bytes_done"]} bytes: " +
            $"{clock.Elapsed.TotalSeconds:0.0} s");
        await LocalnetFixture.PollAsync(async () =>
        {
            var transfer = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, path));
            Assert.False(transfer["state"]!.GetValue<string>() == "failed", $"the resumed upload failed: {transfer.ToJsonString()}");
            return transfer["state"]!.GetValue<string>() == "complete" ? transfer : null;
        }, LocalnetFixture.TransferTimeout, () => "the resumed upload did not complete\n" + LocalnetFixture.LogTail(net.Customer.Home));
        output.WriteLine($"upload complete: {clock.Elapsed.TotalSeconds:0.0} s");

        var downloaded = Path.Combine(net.WorkFolder, $"downloaded-{remote}");
        await net.FileOkAsync("download", remote, downloaded);
        Assert.Equal(hash, TestFiles.Sha256(downloaded));
        output.WriteLine($"downloaded byte-exact: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary><c>bitdust api</c> as <paramref name="customer"/> must fail, with the API's error envelope.</summary>
    [Fact]
    public async Task BitDusts_request_forms_work_a_leading_slash_a_destination_folder_or_none_an_upload_list_and_a_delete_body()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var local = Path.Combine(net.WorkFolder, $"compat-{tag}.bin");
        TestFiles.WriteRandom(local, 300_000);
        var remote = $"compat-{tag}/report.bin";
        // `bitdust file upload x /docs/x`, as BitDust's guides write it: the '/' is the root.
        await net.FileOkAsync("upload", local, $"/{remote}");
        await net.WaitUploadsCompleteAsync();
        var uploads = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/file/upload/v1")).AsArray();
        Assert.Contains(uploads, u => u!["remote_path"]!.GetValue<string>() == remote && u["kind"]!.GetValue<string>() == "upload");
        Assert.Equal(300_000, LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get,
            $"/file/info/v1?remote_path={Uri.EscapeDataString("/" + remote)}"))["size"]!.GetValue<long>());

        var folder = Directory.CreateDirectory(Path.Combine(net.WorkFolder, $"destination-{tag}")).FullName;
        var intoFolder = await DownloadAsync(new JsonObject { ["remote_path"] = "/" + remote, ["destination_folder"] = folder });
        Assert.Equal(Path.Combine(folder, "report.bin"), intoFolder);
        Assert.Equal(TestFiles.Sha256(local), TestFiles.Sha256(intoFolder));
        File.Delete(intoFolder);
        var intoHome = await DownloadAsync(new JsonObject { ["remote_path"] = remote });
        Assert.Equal(Path.Combine(net.Customer.Home, "downloads", "report.bin"), intoHome);
        Assert.Equal(TestFiles.Sha256(local), TestFiles.Sha256(intoHome));
        File.Delete(intoHome);
        var refused = await net.Customer.ApiAsync(HttpMethod.Post, "/file/download/start/v1",
            new JsonObject { ["remote_path"] = remote, ["destination_folder"] = "relative/folder" }.ToJsonString());
        Assert.Contains("destination_folder", refused.ToJsonString(), StringComparison.Ordinal);

        // DELETE with the remote path in a JSON body, as BitDust's clients send it.
        var deleted = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Delete, "/file/delete/v1",
            new JsonObject { ["remote_path"] = "/" + remote }.ToJsonString()));
        Assert.Equal(remote, deleted["remote_path"]!.GetValue<string>());
        Assert.DoesNotContain(remote, await net.FileOkAsync("list", "--json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_stream_describes_the_family_and_services_then_follows_an_upload_until_it_is_complete()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var local = Path.Combine(net.WorkFolder, $"events-{tag}.bin");
        TestFiles.WriteRandom(local, 2_000_000);
        var remote = $"events-{tag}.bin";
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"http://127.0.0.1:{net.Customer.ApiPort()}/event/listen/v1"));
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", net.Customer.ApiToken());
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());

        var suppliers = new HashSet<string>(StringComparer.Ordinal);
        var states = new List<string>();
        var uploaded = false;
        long lastId = 0;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (true)
        {
            var (kind, id, data) = await ReadEventAsync(reader, deadline.Token);
            Assert.True(id > lastId, $"event ids go up: {id} after {lastId}");
            lastId = id;
            if (kind == "supplier" && data["state"]!.GetValue<string>() != "missing")
                suppliers.Add(data["supplier"]!.GetValue<string>());
            if (kind == "transfer" && data["remote_path"]?.GetValue<string>() == remote)
            {
                states.Add(data["state"]!.GetValue<string>());
                if (states[^1] == "complete")
                    break;
                Assert.NotEqual("failed", states[^1]);
            }
            // The family and the services come first, as they are; then the upload is started, and followed.
            if (!uploaded && kind == "service" && suppliers.Count == 7)
            {
                uploaded = true;
                await net.FileOkAsync("upload", local, remote);
            }
        }
        output.WriteLine($"states of the upload as the stream told them: {string.Join(" -> ", states)}");
        Assert.Equal(7, suppliers.Count);
        Assert.Contains("complete", states);
    }

    /// <summary>The next server-sent event: its kind, id and JSON data.</summary>
    private static async Task<(string Kind, long Id, JsonNode Data)> ReadEventAsync(StreamReader reader,
        CancellationToken cancellationToken)
    {
        string? kind = null;
        long id = 0;
        JsonNode? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (kind is not null && data is not null)
                    return (kind, id, data);
                continue;
            }
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                kind = line["event: ".Length..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
                id = long.Parse(line["id: ".Length..], System.Globalization.CultureInfo.InvariantCulture);
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = JsonNode.Parse(line["data: ".Length..]);
        }
    }

    /// <summary>Starts a download with <paramref name="body"/>, waits until it is complete and returns where it wrote.</summary>
    private async Task<string> DownloadAsync(JsonObject body)
    {
        var started = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Post, "/file/download/start/v1", body.ToJsonString()));
        var id = started["transfer_id"]!.GetValue<string>();
        var last = "";
        await LocalnetFixture.PollAsync(async () =>
        {
            var transfer = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, $"/file/download/v1?id={id}"));
            last = transfer.ToJsonString();
            Assert.NotEqual("failed", transfer["state"]!.GetValue<string>());
            return transfer["state"]!.GetValue<string>() == "complete" ? "complete" : null;
        }, LocalnetFixture.TransferTimeout, () => $"the download {body.ToJsonString()} did not complete: {last}");
        return started["local_path"]!.GetValue<string>();
    }

    private static async Task AssertRefusedAsync(BitDustCli customer, string method, string path, string? body = null)
    {
        var (code, stdout, stderr) = body is null
            ? await customer.RunAsync("api", method, path)
            : await customer.RunAsync("api", method, path, body);
        Assert.True(code != 0, $"bitdust api {method} {path} {body} succeeded: {stdout}");
        Assert.Equal("ERROR", JsonNode.Parse(stdout)?["status"]?.GetValue<string>());
    }

    /// <summary>How many fragments each supplier of the localnet holds for <paramref name="customer"/> (by its key), by supplier.</summary>
    private async Task<Dictionary<string, long>> FragmentsPerSupplierAsync(BitDustCli customer)
    {
        var fingerprint = LocalnetFixture.Result(await customer.ApiAsync(HttpMethod.Get, "/identity/get/v1"))["fingerprint"]!
            .GetValue<string>();
        var held = new Dictionary<string, long>();
        foreach (var supplier in net.Suppliers)
        {
            var customers = LocalnetFixture.Result(await LocalnetFixture.CliOf(supplier).ApiAsync(HttpMethod.Get, "/customer/list/v1"));
            if (customers.AsArray().FirstOrDefault(c => c!["key_fingerprint"]!.GetValue<string>() == fingerprint) is { } contract)
                held[supplier.Name] = contract["fragments"]!.GetValue<long>();
        }
        return held;
    }
}
