using System.Diagnostics;
using System.Text.Json.Nodes;
using BitDust.Integration.Tests.Drive;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Hosts;

/// <summary>
/// BitDust's "create your own network" guide, part 1, on several hosts for real (<see cref="GuideNetwork"/>): the core it
/// builds, then customers on other hosts storing files in it through the drive; the router part, for nodes behind NAT, is in
/// GuideWalkthroughTests.Routers.cs.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed partial class GuideWalkthroughTests(GuideNetwork guide, ITestOutputHelper output) : IClassFixture<GuideNetwork>
{
    [Fact]
    public async Task The_guides_core_finds_itself_in_the_dht_serves_every_identity_from_both_servers_and_donates_space()
    {
        // "The output from curl should give you "contacts": 0" on the genesis node alone; then every core node sees the others.
        Assert.Equal(0, LocalnetFixture.Result(guide.GenesisAlone)["dht"]!["contacts"]!.GetValue<int>());
        foreach (var (host, user) in guide.CoreHosts)
        {
            var status = LocalnetFixture.Result(await host.CurlAsync("localhost:8180/network/status/v1?dht=1"));
            Assert.True(status["dht"]!["contacts"]!.GetValue<int>() >= GuideNetwork.Core.Count - 1, $"{host}: {status.ToJsonString()}");
            Assert.Equal(user, status["identity"]!.GetValue<string>());
            Assert.Equal(GuideNetwork.DhtPort, status["dht"]!["port"]!.GetValue<int>());

            // Each names its own host's address, found from where it reaches the network: the guide sets no address.
            var identity = LocalnetFixture.Result(await host.Node.ApiAsync(HttpMethod.Get, "/identity/get/v1"));
            Assert.Equal($"tcp://{host.Address}:7771", identity["contacts"]![0]!.GetValue<string>());

            var backup = LocalnetFixture.Result(guide.Backups[user]);
            Assert.Equal(guide.BackupPath(user), backup["destination_path"]!.GetValue<string>());
            Assert.True(new FileInfo(guide.BackupPath(user)).Length == backup["bytes"]!.GetValue<long>(), $"{user}'s backup: {backup}");

            var donated = LocalnetFixture.Result(await host.CurlAsync("localhost:8180/space/donated/v1"));
            Assert.Equal(1L << 30, donated["donated_bytes"]!.GetValue<long>());
        }

        // "Identities on host-a": both servers hold all four, as any other host sees them.
        var visitor = guide.Network["host-e"];
        foreach (var server in guide.IdentityServers)
        {
            var page = await visitor.ShellOkAsync($"curl -sS --max-time 30 http://{server.Address}:{GuideNetwork.IdentityWebPort}/");
            Assert.Contains($"Identities on {server.Address}", page, StringComparison.Ordinal);
            Assert.All(GuideNetwork.Core, c => Assert.Contains($"/{c.User}.xml", page, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_customer_hires_suppliers_on_four_hosts_and_a_second_machine_restores_its_drive_byte_exact_with_modes_and_times()
    {
        var clock = Stopwatch.StartNew();
        var work = Directory.CreateDirectory(Path.Combine(guide.Network.WorkFolder, "erin")).FullName;
        var laptop = guide.Network["host-e"];
        var erin = await guide.StartCustomerAsync(laptop, "erin");
        var family = await LocalnetFixture.WaitReadyAsync(erin);
        AssertFamilyOnFourHosts(family);
        output.WriteLine($"erin on {laptop} hired {string.Join(", ", family.Select(m => m!["supplier"]))}: {clock.Elapsed.TotalSeconds:0.0} s");

        var source = Path.Combine(work, "source");
        TestFiles.WriteTree(source, 40, 128 << 10, new Random(Random.Shared.Next()));
        TestFiles.WriteRandom(Path.Combine(source, "large", "video.bin"), (24L << 20) + 123);
        var first = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        File.SetUnixFileMode(first, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(first, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var original = MountedDrive.Snapshot(source);

        var mountPoint = Path.Combine(work, "drive");
        await using (await MountedDrive.MountAsync(erin, mountPoint))
        {
            await MountedDrive.ShellOkAsync($"cp -a '{source}/.' '{mountPoint}/'");
            Assert.Equal(original, MountedDrive.Snapshot(mountPoint));
            await erin.RunOkAsync("mount", "--unmount", mountPoint);
            Assert.False(MountedDrive.IsMounted(mountPoint), "the drive is still mounted after bitdust mount --unmount");
        }
        output.WriteLine($"{original.Count} files copied into the drive, durable, unmounted: {clock.Elapsed.TotalSeconds:0.0} s");

        // One more change after the flush, not through the drive; then the catalog backup holds everything.
        var marker = Path.Combine(work, "marker.txt");
        await File.WriteAllTextAsync(marker, "after the unmount\n");
        await LocalnetFixture.FileOkAsync(erin, "upload", marker, "marker.txt");
        await LocalnetFixture.WaitBackedUpAsync(erin);

        // Another machine on another host: a fresh home, the network's settings and the identity backup; nothing else.
        var desktop = guide.Network["host-f"];
        var again = await guide.MoveCustomerAsync(erin, desktop, work);
        var restoredMount = Path.Combine(work, "drive-again");
        await using (await MountedDrive.MountAsync(again, restoredMount))
        {
            var restored = MountedDrive.Snapshot(restoredMount);
            Assert.True(restored.Remove("marker.txt"), "marker.txt is not in the restored drive");
            var differences = original.Where(p => !restored.TryGetValue(p.Key, out var r) || r != p.Value)
                .Select(p => $"{p.Key}: {p.Value} then {(restored.TryGetValue(p.Key, out var r) ? r.ToString() : "missing")}").Take(5);
            Assert.True(restored.Count == original.Count && !differences.Any(),
                $"{original.Count} files copied, {restored.Count} restored; {string.Join("; ", differences)}");
            await again.RunOkAsync("mount", "--unmount", restoredMount, "--force");
        }
        output.WriteLine($"every file byte-exact with its mode and time on {desktop}: {clock.Elapsed.TotalSeconds:0.0} s");

        // The recovered identity now names the new machine's address.
        await LocalnetFixture.PollAsync(async () =>
            LocalnetFixture.Result(await again.ApiAsync(HttpMethod.Get, "/identity/get/v1"))["contacts"]![0]!.GetValue<string>() ==
            $"tcp://{desktop.Address}:7771" ? "moved" : null, TimeSpan.FromSeconds(30), () => $"erin's identity does not name {desktop}");
    }

    [Fact]
    public async Task A_supplier_host_cut_off_in_the_middle_of_an_upload_loses_nothing()
    {
        var clock = Stopwatch.StartNew();
        var work = Directory.CreateDirectory(Path.Combine(guide.Network.WorkFolder, "gina")).FullName;
        var gina = await guide.StartCustomerAsync(guide.Network["host-g"], "gina");
        var family = await LocalnetFixture.WaitReadyAsync(gina);
        AssertFamilyOnFourHosts(family);
        // The supplier at the last (a parity) position: a read of the data positions then never waits on it. A data position's
        // silent supplier costs every read the request timeout first (seen: a 61 MiB download took 77 s instead of 1 s).
        var (cut, user) = guide.SupplierOf(family[^1]!["supplier"]!.GetValue<string>());

        var file = Path.Combine(work, "big.bin");
        TestFiles.WriteRandom(file, 96L << 20);
        var upload = LocalnetFixture.FileAsync(gina, "upload", file, "big.bin");
        await LocalnetFixture.PollAsync(async () => LocalnetFixture.Result(await gina.ApiAsync(HttpMethod.Get, "/transfer/list/v1")).AsArray()
            .Any(t => t!["kind"]!.GetValue<string>() == "upload" && t["bytes_done"]!.GetValue<long>() > 0) ? "started" : null,
            TimeSpan.FromSeconds(60), () => "the upload of big.bin did not start");
        await cut.LinkAsync(up: false);
        try
        {
            output.WriteLine($"{user} on {cut} cut off in the middle of the upload: {clock.Elapsed.TotalSeconds:0.0} s");
            var (code, printed, error) = await upload.WaitAsync(LocalnetFixture.TransferTimeout);
            Assert.True(code == 0, $"the upload exited {code}: {printed}{error}\n{LocalnetFixture.LogTail(gina.Home)}");
            output.WriteLine($"durable without {user}: {clock.Elapsed.TotalSeconds:0.0} s: {printed.Trim()}");

            // Blocks sent after the cut lack the fragment of the cut supplier, and none lacks more than the m = 2 it may.
            var version = LocalnetFixture.Result(await gina.ApiAsync(HttpMethod.Get, "/file/info/v1?remote_path=big.bin"))["versions"]![0]!;
            var blocks = version["blocks"]!.AsArray();
            Assert.All(blocks, b => Assert.True(b!["healthy"]!.GetValue<int>() >= b["needed"]!.GetValue<int>(), b.ToJsonString()));
            // (A router on the cut host takes the supplier it routes with it: then a block may lack two, still k of 4.)
            Assert.True(blocks.Any(b => b!["healthy"]!.GetValue<int>() < b["total"]!.GetValue<int>()),
                $"no block lacks {user}'s fragment (was the upload over before the cut?): {version.ToJsonString()}");

            // Read back while the supplier is still gone.
            var back = Path.Combine(work, "big.back");
            await LocalnetFixture.FileOkAsync(gina, "download", "big.bin", back);
            Assert.Equal(TestFiles.Sha256(file), TestFiles.Sha256(back));
            output.WriteLine($"read back byte-exact without {user}: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        finally
        {
            await cut.LinkAsync(up: true);
        }
    }

    [Fact]
    public async Task A_node_behind_nat_joins_the_dht_and_publishes_an_identity_that_names_its_router()
    {
        // Through its gateway it opens every exchange itself (UDP to the DHT, TCP to the identity servers and its router);
        // being reached is the router's part: its identity names the router, not its own private address.
        var homer = await guide.RoutedSupplierAsync();
        var router = await guide.WaitRoutedAsync(homer);
        await GuideNetwork.WaitDhtContactsAsync(homer.Host, 1);
        var visitor = guide.Network["host-e"];
        foreach (var server in guide.IdentityServers)
        {
            await LocalnetFixture.PollAsync(async () =>
                (await visitor.ShellAsync($"curl -sS --max-time 10 http://{server.Address}:{GuideNetwork.IdentityWebPort}/homer.xml"))
                is (0, var document) && document.Contains($"relay://{router.Address}:7771/", StringComparison.Ordinal) ? document : null,
                TimeSpan.FromSeconds(60), () => $"homer's identity on {server} does not name its router {router}\n{LocalnetFixture.LogTail(homer.Home)}");
        }
        // `bitdust states | grep proxy`, as the guide checks it: on the router, and on the node it routes.
        var routerStates = await router.Node.RunOkAsync("states");
        Assert.Contains("service_proxy_server(ON)  LISTEN", routerStates, StringComparison.Ordinal);
        Assert.Contains("service_proxy_transport(OFF)", routerStates, StringComparison.Ordinal);
        var homerStates = await homer.RunOkAsync("states");
        Assert.Contains("service_proxy_transport(ON)  CONNECTED", homerStates, StringComparison.Ordinal);
        Assert.Contains("service_proxy_server(OFF)", homerStates, StringComparison.Ordinal);

        // `bitdust status` says it at a glance: who it is, its router, what it donates.
        var status = await homer.RunOkAsync("status");
        Assert.Contains("identity   homer", status, StringComparison.Ordinal);
        Assert.Matches($"router +reached through [a-z]+ at {router.Address.Replace(".", "\\.", StringComparison.Ordinal)}:7771", status);
        Assert.Contains("donated    4.0 GiB", status, StringComparison.Ordinal);
        var routerStatus = await router.Node.RunOkAsync("status", "--json");
        Assert.True(System.Text.Json.Nodes.JsonNode.Parse(routerStatus)!["network"]!["proxy_server"]!["routes"]!.GetValue<int>() >= 1, routerStatus);
    }

    /// <summary>Four suppliers on four hosts of this network (the core's, and home-1's once the router part has run).</summary>
    private void AssertFamilyOnFourHosts(JsonArray family)
    {
        var hosts = family.Select(m => guide.SupplierOf(m!["supplier"]!.GetValue<string>()).Host).Distinct().ToList();
        Assert.True(hosts.Count == 4, $"the family is not on four hosts: {family.ToJsonString()}");
    }
}
