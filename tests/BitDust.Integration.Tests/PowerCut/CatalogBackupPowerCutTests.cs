using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;
using CrashPoint = BitDust.Engine.Storage.CrashPoint;

namespace BitDust.Integration.Tests.PowerCut;

/// <summary>
/// A power cut right after a catalog backup. The backup's fragments and manifest are on the suppliers; the catalog's note of
/// which version that was may be lost with the power. The next backup must still take a version never used: the same version
/// again would put other bytes under keys the suppliers hold, and the manifest they keep could then point at fragments of
/// another backup (a catalog nobody can restore).
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class CatalogBackupPowerCutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_power_cut_just_after_a_catalog_backup_the_next_backup_takes_a_new_version_and_a_new_home_restores_it()
    {
        await using var disk = await PowerCutFileSystem.MountAsync();
        await using var net = await LocalnetFixture.StartAsync(4);
        var owner = await PowerCutNode.StartOwnerAsync(net, disk);
        var first = Path.Combine(net.WorkFolder, "first.bin");
        TestFiles.WriteRandom(first, 100_000);
        await LocalnetFixture.FileOkAsync(owner, "upload", first, "kept/first.bin");
        await net.WaitCatalogBackedUpAsync(owner);

        // The next backup is the last thing the node does: it dies as it notes the version, and the power goes.
        await PowerCutNode.RestartAsync(net, owner, $"{CrashPoint.CatalogBackedUp}:1");
        var second = Path.Combine(net.WorkFolder, "second.bin");
        TestFiles.WriteRandom(second, 100_000);
        await owner.RunAsync("file", "upload", second, "kept/second.bin", "--no-wait");
        await LocalnetFixture.WaitGoneAsync(owner.DaemonPid() ?? 0, LocalnetFixture.TransferTimeout);
        var lost = await disk.CutAsync();
        var before = PowerCutNode.Fragments(net);

        await PowerCutNode.RestartAsync(net, owner, crashAt: null);
        var third = Path.Combine(net.WorkFolder, "third.bin");
        TestFiles.WriteRandom(third, 100_000);
        await LocalnetFixture.FileOkAsync(owner, "upload", third, "kept/third.bin");
        await net.WaitUploadsCompleteAsync(owner);
        await net.WaitCatalogBackedUpAsync(owner);
        var rewritten = PowerCutNode.Rewritten(before, PowerCutNode.Fragments(net));
        Assert.True(rewritten.Count == 0, $"{rewritten.Count} fragment keys were put again with other bytes after the cut " +
            $"({lost} files lost unsynced bytes): {string.Join(", ", rewritten.Take(4))}\n{LocalnetFixture.LogTail(owner.Home, 80)}");

        // The owner's machine is gone: a new home from the identity backup finds the catalog and every file in it.
        var backup = Path.Combine(net.WorkFolder, "owner-identity.backup");
        var passphrase = Path.Combine(net.WorkFolder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "correct horse battery staple");
        await owner.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await owner.RunOkAsync("stop");
        var restored = await net.AddNodeAsync("restored", [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", "4"), ("services/backups/block-size", "64 KB")], createIdentity: false);
        await restored.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        await net.WaitCustomerReadyAsync(restored);
        foreach (var (source, name) in new[] { (first, "first.bin"), (third, "third.bin") })
        {
            var download = Path.Combine(net.WorkFolder, "downloads", name);
            Directory.CreateDirectory(Path.GetDirectoryName(download)!);
            await LocalnetFixture.FileOkAsync(restored, "download", $"kept/{name}", download);
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(download));
        }
        output.WriteLine($"power cut just after a catalog backup ({lost} files lost unsynced bytes): the next backup took a new " +
            "version, no fragment key was put again with other bytes, and a new home restored the catalog");
    }
}
