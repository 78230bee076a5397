using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>
/// The owner's machine dies and the identity backup is recovered long after every DHT record its node published expired
/// (here the network's item lifetime is 12 s, for weeks in real life): the suppliers kept the family record alive, so the
/// recovered node finds the same family, restores the catalog and every file, and hires nobody. Then that machine dies too,
/// the identity server and the DHT genesis restart (their memory of every record gone), and a third home recovers again.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class LongAbsenceTests(ITestOutputHelper output)
{
    private const int ItemLifetimeSeconds = 12;

    [Fact]
    public async Task A_customer_back_after_its_DHT_records_expired_and_again_after_the_identity_server_and_DHT_genesis_restarted_finds_its_family_and_every_file()
    {
        var clock = Stopwatch.StartNew();
        var lifetime = ("services/entangled-dht/item-lifetime", ItemLifetimeSeconds.ToString(CultureInfo.InvariantCulture));
        await using var net = await LocalnetFixture.StartAsync(7, lifetime);
        var originals = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "originals")).FullName;
        TestFiles.WriteTree(Path.Combine(originals, "letters"), 12, 64 << 10, new Random(Random.Shared.Next()));
        TestFiles.WriteRandom(Path.Combine(originals, "letters", "scan.tiff"), (5L << 20) + 321);
        var hashes = TestFiles.HashTree(Path.Combine(originals, "letters"));
        await net.FileOkAsync("upload", Path.Combine(originals, "letters"), "letters");
        await net.WaitUploadsCompleteAsync();
        await net.WaitCatalogBackedUpAsync();
        var family = Positions(await net.WaitCustomerReadyAsync());
        var backup = Path.Combine(net.WorkFolder, "owner.backup");
        var passphrase = Path.Combine(net.WorkFolder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "a long absence");
        await net.Customer.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await net.Customer.RunOkAsync("stop");
        output.WriteLine($"uploaded, backed up, the owner's machine gone: {clock.Elapsed.TotalSeconds:0.0} s");

        var first = await RecoverAfterAbsenceAsync(net, "second-home", backup, passphrase, family, hashes, lifetime);
        output.WriteLine($"recovered on a second home after the records expired, every file byte-exact: {clock.Elapsed.TotalSeconds:0.0} s");
        await first.RunOkAsync("stop");

        await LocalnetFixture.CliOf(net.Genesis).RunOkAsync("stop");
        await net.RestartAsync(net.Genesis.Home);
        output.WriteLine($"the second home gone, the identity server and DHT genesis restarted: {clock.Elapsed.TotalSeconds:0.0} s");
        await RecoverAfterAbsenceAsync(net, "third-home", backup, passphrase, family, hashes, lifetime);
        output.WriteLine($"recovered on a third home, same family, every file byte-exact: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Waits until every record the owner's nodes put is gone from the DHT (unless someone put it back), recovers the identity
    /// backup on a fresh home, and checks it found the same family and lists and downloads every file.
    /// </summary>
    private static async Task<BitDustCli> RecoverAfterAbsenceAsync(LocalnetFixture net, string home, string backup, string passphrase,
        IReadOnlyList<string> family, SortedDictionary<string, string> hashes, (string, string) lifetime)
    {
        await Task.Delay(TimeSpan.FromSeconds(ItemLifetimeSeconds * 2.5));
        var fresh = await net.AddNodeAsync(home, [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", "7"), lifetime], createIdentity: false);
        await fresh.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        Assert.Equal(family, Positions(await net.WaitCustomerReadyAsync(fresh)));
        var listed = JsonNode.Parse(await LocalnetFixture.FileOkAsync(fresh, "list", "--json"))!.AsArray()
            .Select(f => f!["remote_path"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(hashes.Keys.Select(p => $"letters/{p}").Order(StringComparer.Ordinal), listed);
        var downloads = Path.Combine(net.WorkFolder, $"downloads-{home}");
        await LocalnetFixture.FileOkAsync(fresh, "download", "letters", downloads);
        Assert.Equal(hashes, TestFiles.HashTree(downloads));
        return fresh;
    }

    /// <summary>Who holds each position, from <c>/supplier/list/v1</c>.</summary>
    private static IReadOnlyList<string> Positions(JsonArray family) =>
        [.. family.OrderBy(m => m!["position"]!.GetValue<int>()).Select(m => m!["supplier"]!.GetValue<string>())];
}
