using BitDust.Engine.Common;
using BitDust.Engine.Storage;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Tests.Storage.Customer;
using BitDust.Fs.Stubs;

namespace BitDust.Fs.Tests.Stubs;

public sealed class StubMirrorTests(StubCustomer customer) : IClassFixture<StubCustomer>
{
    private CustomerHarness Harness => customer.Harness;

    [Fact]
    public async Task Every_readable_file_gets_a_stub_at_its_remote_path_and_an_unchanged_catalog_writes_nothing()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mirror = new StubMirror(Harness.Storage, customer.NewFolder("stubs"), TestLog.Instance);
        await Harness.UploadAsync(Harness.LocalFile($"a-{tag}.bin", CustomerHarness.RandomBytes(3 * CustomerHarness.BlockSize + 5)),
            $"mirror-{tag}/a.bin");
        await Harness.UploadAsync(Harness.LocalFile($"b-{tag}.txt", "hello"u8.ToArray()), $"mirror-{tag}/deep/er/b.txt");

        var first = await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);

        Assert.True(first.Written >= 2, $"{first}");
        Assert.Equal(0, first.Failed);
        foreach (var remote in new[] { $"mirror-{tag}/a.bin", $"mirror-{tag}/deep/er/b.txt" })
        {
            var path = mirror.StubPathOf(remote);
            var stub = Stub.Read(await File.ReadAllBytesAsync(path), Harness.Storage.OwnerKey);
            var version = Harness.Catalog.LatestReadable(Harness.Catalog.FindFile(remote)!.FileId)!;
            Assert.Equal(remote, stub.Name);
            Assert.Equal(version.File, stub.Manifest.File);
            Assert.Equal(CustomerStorage.DefaultStubMode, stub.Mode);
            Assert.Equal(version.Created.ToUnixTimeMilliseconds(), stub.Modified.ToUnixTimeMilliseconds());
            Assert.Equal(version.Created.ToUnixTimeMilliseconds(), new DateTimeOffset(File.GetLastWriteTimeUtc(path)).ToUnixTimeMilliseconds());
        }
        Assert.EndsWith(Path.Combine($"mirror-{tag}", "deep", "er", "b.txt.f"), mirror.StubPathOf($"mirror-{tag}/deep/er/b.txt"),
            StringComparison.Ordinal);

        var second = await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.Equal(new StubMirrorPass(0, 0, first.Written + first.Kept, 0), second);

        // A new mirror over the same folder (the next start) reads the stubs it finds instead of writing them again.
        var restarted = new StubMirror(Harness.Storage, mirror.Folder, TestLog.Instance);
        Assert.Equal(0, (await restarted.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout)).Written);
    }

    [Fact]
    public async Task A_deleted_file_loses_its_stub_and_the_folders_left_empty_while_other_files_stay()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mirror = new StubMirror(Harness.Storage, customer.NewFolder("stubs"), TestLog.Instance);
        var remote = $"gone-{tag}/deep/x.bin";
        await Harness.UploadAsync(Harness.LocalFile($"x-{tag}.bin", CustomerHarness.RandomBytes(1000)), remote);
        await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.True(File.Exists(mirror.StubPathOf(remote)));
        var own = Path.Combine(mirror.Folder, "notes.txt");
        await File.WriteAllTextAsync(own, "mine");
        var leftover = Path.Combine(mirror.Folder, $".x.bin.f.1.{Guid.NewGuid():N}{AtomicFile.TempSuffix}");
        await File.WriteAllTextAsync(leftover, "half a write");

        await Harness.Storage.DeleteAsync(remote, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        var pass = await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);

        Assert.Equal(1, pass.Removed);
        Assert.False(File.Exists(mirror.StubPathOf(remote)));
        Assert.False(Directory.Exists(Path.Combine(mirror.Folder, $"gone-{tag}")));
        Assert.False(File.Exists(leftover));
        Assert.Equal("mine", await File.ReadAllTextAsync(own));
    }

    [Fact]
    public async Task A_new_version_or_new_attributes_in_the_tree_rewrite_the_stub()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mirror = new StubMirror(Harness.Storage, customer.NewFolder("stubs"), TestLog.Instance);
        var remote = $"versions-{tag}.bin";
        await Harness.UploadAsync(Harness.LocalFile($"v1-{tag}.bin", CustomerHarness.RandomBytes(100)), remote);
        await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.Equal(1, ReadStub(mirror, remote).Manifest.File.Version);

        await Harness.UploadAsync(Harness.LocalFile($"v2-{tag}.bin", CustomerHarness.RandomBytes(200)), remote);
        await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.Equal(2, ReadStub(mirror, remote).Manifest.File.Version);

        var modified = new DateTimeOffset(2024, 2, 29, 12, 0, 0, TimeSpan.Zero);
        Harness.Catalog.SetTreeEntry(new TreeEntry(remote, TreeEntryKind.File, 0b111_101_000, modified, 0, 0, null));
        var pass = await mirror.ReconcileAsync(CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);

        Assert.Equal(1, pass.Written);
        var stub = ReadStub(mirror, remote);
        Assert.Equal(0b111_101_000, stub.Mode);
        Assert.Equal(modified, stub.Modified);
        Assert.Equal(modified.UtcDateTime, File.GetLastWriteTimeUtc(mirror.StubPathOf(remote)));
    }

    [Fact]
    public async Task A_running_mirror_follows_uploads_and_deletes_as_the_catalog_changes()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var mirror = new StubMirror(Harness.Storage, customer.NewFolder("stubs"), TestLog.Instance, TimeSpan.FromMilliseconds(50));
        using var stop = new CancellationTokenSource();
        var running = mirror.RunAsync(stop.Token);
        var remote = $"live-{tag}/f.bin";
        try
        {
            await Harness.UploadAsync(Harness.LocalFile($"live-{tag}.bin", CustomerHarness.RandomBytes(5000)), remote);
            await CustomerHarness.WaitUntilAsync(() => File.Exists(mirror.StubPathOf(remote)));

            await Harness.Storage.DeleteAsync(remote, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
            await CustomerHarness.WaitUntilAsync(() => !Directory.Exists(Path.Combine(mirror.Folder, $"live-{tag}")));
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running.WaitAsync(CustomerHarness.StepTimeout));
        }
    }

    private Stub ReadStub(StubMirror mirror, string remote) =>
        Stub.Read(File.ReadAllBytes(mirror.StubPathOf(remote)), Harness.Storage.OwnerKey);
}
