using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>The employer and the rebuild over real daemons: a supplier gone for good is replaced, a damaged fragment is redone.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class RepairTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RepairTimeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_supplier_gone_for_good_is_replaced_by_a_spare_and_rebuilt_without_the_originals_then_m_others_may_die()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(7,
            ("services/employer/offline-deadline", "3"), ("services/employer/ping-interval", "1"));
        var spare = await net.AddSupplierAsync();
        output.WriteLine($"localnet of 7 and a spare supplier up: {clock.Elapsed.TotalSeconds:0.0} s");
        var originals = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "originals")).FullName;
        TestFiles.WriteRandom(Path.Combine(originals, "archive.bin"), (24L << 20) + 777);
        TestFiles.WriteTree(Path.Combine(originals, "tree"), 20, 64 << 10, new Random(Random.Shared.Next()));
        var hashes = TestFiles.HashTree(originals);
        await net.FileOkAsync("upload", Path.Combine(originals, "archive.bin"), "archive.bin");
        await net.FileOkAsync("upload", Path.Combine(originals, "tree"), "tree");
        await net.WaitUploadsCompleteAsync();
        // The rebuild has only the other suppliers' fragments to work from.
        Directory.Delete(originals, recursive: true);

        var family = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/supplier/list/v1")).AsArray();
        Assert.DoesNotContain(family, m => m!["supplier"]!.GetValue<string>().EndsWith($"/{spare.Name}.xml", StringComparison.Ordinal));
        var position = Random.Shared.Next(family.Count);
        var victim = net.SupplierNamed(family[position]!["supplier"]!.GetValue<string>());
        await net.KillAsync(victim);
        output.WriteLine($"uploaded, originals deleted, {victim.Name} at position {position} killed: {clock.Elapsed.TotalSeconds:0.0} s");

        var remotes = (await RemotePathsAsync(net)).ToList();
        Assert.Equal(hashes.Count, remotes.Count);
        await WaitFullRedundancyAsync(net, remotes, position, spare);
        output.WriteLine($"{spare.Name} holds position {position}, every block back to 7/7: {clock.Elapsed.TotalSeconds:0.0} s");
        foreach (var remote in remotes)
            AssertFullRedundancy(JsonNode.Parse(await net.FileOkAsync("info", remote, "--json"))!);

        family = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/supplier/list/v1")).AsArray();
        var others = family.Select(m => net.SupplierNamed(m!["supplier"]!.GetValue<string>())).Where(s => s != spare)
            .OrderBy(_ => Random.Shared.Next()).Take(3).ToList();
        foreach (var supplier in others)
            await net.KillAsync(supplier);
        output.WriteLine($"killed {string.Join(", ", others.Select(s => s.Name))} too: {clock.Elapsed.TotalSeconds:0.0} s");
        var downloads = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "downloads")).FullName;
        await net.FileOkAsync("download", "archive.bin", Path.Combine(downloads, "archive.bin"));
        await net.FileOkAsync("download", "tree", Path.Combine(downloads, "tree"));
        Assert.Equal(hashes, TestFiles.HashTree(downloads));
        output.WriteLine($"every file downloaded byte-exact: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task A_fragment_flipped_on_a_suppliers_disk_fails_the_audit_and_is_rebuilt_there_byte_for_byte()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(7);
        var local = Path.Combine(net.WorkFolder, "ledger.bin");
        // One block: each supplier holds one fragment of it, so the audit's sample is that fragment.
        TestFiles.WriteRandom(local, 1 << 20);
        var hash = TestFiles.Sha256(local);
        await net.FileOkAsync("upload", local, "ledger.bin");
        await net.WaitUploadsCompleteAsync();

        var family = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/supplier/list/v1")).AsArray();
        var position = Random.Shared.Next(family.Count);
        var holder = net.SupplierNamed(family[position]!["supplier"]!.GetValue<string>());
        // The catalog backup's fragments are a few KiB; the ledger's are a quarter of 1 MiB.
        var fragment = Directory.EnumerateFiles(LocalnetFixture.SupplierDataFolder(holder), "*.frag", SearchOption.AllDirectories)
            .Select(f => new FileInfo(f)).MaxBy(f => f.Length)!;
        Assert.True(fragment.Length > 200_000, $"{fragment.FullName} is {fragment.Length} bytes: not a fragment of the ledger");
        var key = fragment.Name[..fragment.Name.IndexOf('.', StringComparison.Ordinal)];
        var good = await File.ReadAllBytesAsync(fragment.FullName);
        var flipped = (byte[])good.Clone();
        flipped[64 + 1000] ^= 0x01;
        await File.WriteAllBytesAsync(fragment.FullName, flipped);
        output.WriteLine($"flipped a bit of fragment {key} on {holder.Name} (position {position}): {clock.Elapsed.TotalSeconds:0.0} s");

        var audits = JsonNode.Parse(await net.Customer.RunOkAsync("supplier", "audit", "--json"))!.AsArray();
        var audit = audits.Single(a => a!["position"]!.GetValue<int>() == position)!;
        Assert.True(audit["result"]!.GetValue<string>() == "failed", $"the audit of position {position}: {audit.ToJsonString()}");
        Assert.Contains(audit["problems"]!.AsArray(), p => p!.GetValue<string>().Length > 0);
        Assert.All(audits.Where(a => a != audit), a => Assert.Equal("passed", a!["result"]!.GetValue<string>()));
        var listed = JsonNode.Parse(await net.Customer.RunOkAsync("supplier", "list", "--json"))!.AsArray();
        Assert.Equal("failed", listed[position]!["audit_result"]!.GetValue<string>());
        output.WriteLine($"the audit caught it: {audit["problems"]!.ToJsonString()}");

        // The rebuild writes the very fragment again on the same supplier (the same supplier stays at the position).
        await LocalnetFixture.PollAsync(() => Task.FromResult(Directory
                .EnumerateFiles(LocalnetFixture.SupplierDataFolder(holder), $"{key}.*.frag", SearchOption.AllDirectories)
                .SingleOrDefault(f => File.ReadAllBytes(f).AsSpan().SequenceEqual(good))), RepairTimeout,
            () => $"fragment {key} on {holder.Name} was not rebuilt\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        await WaitFullRedundancyAsync(net, ["ledger.bin"], position, holder);
        output.WriteLine($"rebuilt byte for byte on {holder.Name}: {clock.Elapsed.TotalSeconds:0.0} s");

        var others = net.Suppliers.Where(s => s != holder).OrderBy(_ => Random.Shared.Next()).Take(3).ToList();
        foreach (var supplier in others)
            await net.KillAsync(supplier);
        var downloaded = Path.Combine(net.WorkFolder, "downloaded.bin");
        await net.FileOkAsync("download", "ledger.bin", downloaded);
        Assert.Equal(hash, TestFiles.Sha256(downloaded));
        output.WriteLine($"read back byte-exact with {string.Join(", ", others.Select(s => s.Name))} killed: " +
            $"{clock.Elapsed.TotalSeconds:0.0} s");
    }

    private static async Task<IEnumerable<string>> RemotePathsAsync(LocalnetFixture net) =>
        LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/file/list/v1")).AsArray()
            .Select(f => f!["remote_path"]!.GetValue<string>());

    /// <summary>
    /// Until <paramref name="supplier"/> holds <paramref name="position"/> and every block of every file has all n fragments.
    /// </summary>
    private static async Task WaitFullRedundancyAsync(LocalnetFixture net, IReadOnlyList<string> remotes, int position,
        LocalnetNodeInfo supplier)
    {
        var last = "";
        await LocalnetFixture.PollAsync(async () =>
        {
            var member = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/supplier/list/v1"))[position]!;
            last = $"position {position}: {member.ToJsonString()}";
            if (member["supplier"]?.GetValue<string>().EndsWith($"/{supplier.Name}.xml", StringComparison.Ordinal) != true)
                return null;
            foreach (var remote in remotes)
            {
                var info = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get,
                    $"/file/info/v1?remote_path={Uri.EscapeDataString(remote)}"));
                last = $"{remote}: {info["versions"]![0]!["below_full_redundancy"]!.ToJsonString()} below full redundancy";
                if (info["versions"]![0]!["below_full_redundancy"]!.AsArray().Count > 0)
                    return null;
            }
            return "full";
        }, RepairTimeout, () => $"not back to full redundancy: {last}\n{LocalnetFixture.LogTail(net.Customer.Home)}");
    }

    private static void AssertFullRedundancy(JsonNode info)
    {
        var version = info["versions"]![0]!;
        Assert.Empty(version["below_full_redundancy"]!.AsArray());
        Assert.All(version["blocks"]!.AsArray(), b => Assert.Equal(b!["total"]!.GetValue<int>(), b["healthy"]!.GetValue<int>()));
    }
}
