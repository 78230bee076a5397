using System.Diagnostics;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>The machine is lost: the identity backup alone brings every file back on a fresh home.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class RestoreTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_fresh_home_with_only_the_identity_backup_lists_every_file_and_downloads_each_byte_exact()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(7);
        var originals = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "originals")).FullName;
        var photos = Path.Combine(originals, "photos");
        TestFiles.WriteTree(photos, 40, 256 << 10, new Random(Random.Shared.Next()));
        TestFiles.WriteRandom(Path.Combine(photos, "albums", "large.raw"), (9L << 20) + 12_345);
        var notes = Path.Combine(originals, "notes.txt");
        await File.WriteAllTextAsync(notes, "what the restore must bring back\n");
        var photoHashes = TestFiles.HashTree(photos);
        var notesHash = TestFiles.Sha256(notes);
        await net.FileOkAsync("upload", photos, "photos");
        await net.FileOkAsync("upload", notes, "notes.txt");
        await net.WaitUploadsCompleteAsync();
        await net.WaitCatalogBackedUpAsync();
        output.WriteLine($"uploaded and the catalog backed up: {clock.Elapsed.TotalSeconds:0.0} s");

        var backup = Path.Combine(net.WorkFolder, "alice.backup");
        var passphrase = Path.Combine(net.WorkFolder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "correct horse battery staple");
        await net.Customer.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await net.Customer.RunOkAsync("stop");

        // A new machine: an empty home that knows only the network, then the backup.
        var fresh = await net.AddNodeAsync("fresh-home", [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", "7")], createIdentity: false);
        await fresh.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        await net.WaitCustomerReadyAsync(fresh);
        output.WriteLine($"recovered on a fresh home, READY: {clock.Elapsed.TotalSeconds:0.0} s");

        var listed = JsonNode.Parse(await LocalnetFixture.FileOkAsync(fresh, "list", "--json"))!.AsArray()
            .Select(f => f!["remote_path"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(photoHashes.Keys.Select(p => $"photos/{p}").Append("notes.txt").Order(StringComparer.Ordinal), listed);
        var downloads = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "downloads")).FullName;
        await LocalnetFixture.FileOkAsync(fresh, "download", "photos", Path.Combine(downloads, "photos"));
        await LocalnetFixture.FileOkAsync(fresh, "download", "notes.txt", Path.Combine(downloads, "notes.txt"));
        Assert.Equal(photoHashes, TestFiles.HashTree(Path.Combine(downloads, "photos")));
        Assert.Equal(notesHash, TestFiles.Sha256(Path.Combine(downloads, "notes.txt")));
        output.WriteLine($"every file downloaded byte-exact: {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
