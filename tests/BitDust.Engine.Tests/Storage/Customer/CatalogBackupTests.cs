using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Tests.Network.Transport;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer;

/// <summary>The catalog goes into the network and comes back on an empty home with the same keys.</summary>
public sealed class CatalogBackupTests
{
    [Fact]
    public async Task An_empty_catalog_is_restored_from_the_newest_backup_signed_by_the_owner_and_every_file_downloads()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var files = new Dictionary<string, byte[]> { ["a.txt"] = RandomBytes(100), ["docs/b.bin"] = RandomBytes(3 * BlockSize + 5) };
        await harness.UploadAsync(harness.LocalFile("a.txt", files["a.txt"]), "a.txt");
        Assert.Equal(1, await new CatalogBackup(harness.Storage).BackupAsync(CancellationToken.None).WaitAsync(StepTimeout));
        var stale = await harness.Family.ClientAt(0)!.GetMetaAsync(CatalogBackup.MetaName, CancellationToken.None).WaitAsync(StepTimeout);
        await harness.UploadAsync(harness.LocalFile("b.bin", files["docs/b.bin"]), "docs/b.bin");
        Assert.Equal(2, await new CatalogBackup(harness.Storage).BackupAsync(CancellationToken.None).WaitAsync(StepTimeout));
        var listed = harness.Catalog.ListFiles();

        // One supplier kept the older backup; another holds a newer-looking one that someone else signed.
        await harness.Family.ClientAt(1)!.PutMetaAsync(CatalogBackup.MetaName, stale, CancellationToken.None).WaitAsync(StepTimeout);
        await harness.Family.ClientAt(2)!.PutMetaAsync(CatalogBackup.MetaName, Forged(harness),
            CancellationToken.None).WaitAsync(StepTimeout);
        await harness.MoveToEmptyHomeAsync();
        Assert.True(harness.Catalog.IsEmpty);

        Assert.Equal(2, await new CatalogBackup(harness.Storage).RestoreAsync(CancellationToken.None).WaitAsync(StepTimeout));

        Assert.Equal(listed, harness.Catalog.ListFiles());
        foreach (var (remote, content) in files)
        {
            var download = await harness.DownloadAsync(remote, harness.OutputPath(remote));
            Assert.True(download.State == TransferState.Complete, download.Error);
            Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath(remote)).WaitAsync(StepTimeout));
        }
        Assert.Equal(3, await new CatalogBackup(harness.Storage).BackupAsync(CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Theory]
    [InlineData(0, 1, new long[0])]
    [InlineData(1, 2, new long[0])]
    [InlineData(5, 6, new long[] { 4 })]
    [InlineData(1, 3, new long[] { 2 })]
    [InlineData(4, 7, new long[] { 3, 5, 6 })]
    [InlineData(3, 20, new long[] { 2, 12, 13, 14, 15, 16, 17, 18, 19 })]
    public void A_backup_lets_go_the_version_before_the_previous_and_the_attempts_since_the_previous(long previous, long current,
        long[] superseded) =>
        Assert.Equal(superseded, CatalogBackup.Superseded(previous, current));

    [Fact]
    public void A_version_taken_for_a_backup_is_never_taken_again_even_when_the_note_of_the_last_backup_is_older()
    {
        var folder = Directory.CreateTempSubdirectory("bitdust-catalog-").FullName;
        try
        {
            var path = Path.Combine(folder, "catalog.db");
            using (var catalog = Catalog.Open(path))
            {
                Assert.Equal(1, catalog.TakeNext(CatalogBackup.TakenSetting, 0));
                Assert.Equal(2, catalog.TakeNext(CatalogBackup.TakenSetting, 1));
            }
            using (var reopened = Catalog.Open(path))
            {
                // The note of the last backup says 1 (a power cut took the later one): 3 all the same, never 2 again.
                Assert.Equal(3, reopened.TakeNext(CatalogBackup.TakenSetting, 1));
                // A restored catalog noted 7: above that.
                Assert.Equal(8, reopened.TakeNext(CatalogBackup.TakenSetting, 7));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Nothing_to_restore_is_null_and_changes_are_backed_up_soon_after_they_happen()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var backup = new CatalogBackup(harness.Storage);
        Assert.Null(await backup.RestoreAsync(CancellationToken.None).WaitAsync(StepTimeout));

        using var stop = new CancellationTokenSource();
        var running = backup.RunAsync(stop.Token);
        await TransportFixture.WaitUntilAsync(() => backup.LastVersion >= 1);
        var before = backup.LastVersion;
        await harness.UploadAsync(harness.LocalFile("a.txt", [1, 2, 3]), "a.txt");
        // A backup that began before the upload was durable may end after it: wait for one that holds every change.
        await TransportFixture.WaitUntilAsync(() => backup.LastVersion > before && backup.IsCurrent);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running).WaitAsync(StepTimeout);

        await harness.MoveToEmptyHomeAsync();
        Assert.NotNull(await new CatalogBackup(harness.Storage).RestoreAsync(CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(["a.txt"], harness.Catalog.ListFiles().Select(f => f.RemotePath));
    }

    [Fact]
    public async Task A_change_that_asks_for_no_backup_of_its_own_is_backed_up_once_the_catalog_is_quiet()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        await harness.UploadAsync(harness.LocalFile("a.txt", [1, 2, 3]), "a.txt");
        var backup = new CatalogBackup(harness.Storage);
        using var stop = new CancellationTokenSource();
        var running = backup.RunAsync(stop.Token);
        await TransportFixture.WaitUntilAsync(() => backup.LastVersion >= 1 && backup.IsCurrent);
        var before = backup.LastVersion;

        // A pin (a stub given out keeps its version from pruning) raises no backup of its own; a restore needs it all the same.
        var version = harness.Catalog.LatestReadable(harness.Catalog.FindFile("a.txt")!.FileId)!.File;
        harness.Catalog.Pin(version, "a stub");
        Assert.False(backup.IsCurrent);
        await TransportFixture.WaitUntilAsync(() => backup.LastVersion > before && backup.IsCurrent);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running).WaitAsync(StepTimeout);

        await harness.MoveToEmptyHomeAsync();
        Assert.NotNull(await new CatalogBackup(harness.Storage).RestoreAsync(CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Contains(version.Version, harness.Catalog.PinnedVersions(version.FileId));
    }

    /// <summary>A manifest for the owner's catalog file id, numbered above any real backup, signed by a stranger.</summary>
    private static byte[] Forged(CustomerHarness harness)
    {
        using var stranger = IdentityKey.Generate();
        using var key = DataKey.Generate();
        var file = new FileVersion(CatalogBackup.FileIdFor(harness.Keys.MasterKey), 99);
        return new Manifest(file, 0, BlockSize, harness.Family.Scheme, DateTimeOffset.UtcNow,
            harness.Keys.MasterKey.WrapDataKey(key, file.ToBytes()), [])
            .Sign(stranger);
    }
}
