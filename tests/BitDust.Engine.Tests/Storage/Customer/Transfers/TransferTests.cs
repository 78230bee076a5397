using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer.Transfers;

/// <summary>Uploads and downloads through real suppliers on loopback TLS.</summary>
public sealed class TransferTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(BlockSize)]
    [InlineData(5 * BlockSize + 12345)]
    public async Task A_file_comes_back_byte_exact(int size)
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var content = RandomBytes(size);

        var upload = await harness.UploadAsync(harness.LocalFile("file.bin", content), "docs/file.bin");
        var download = await harness.DownloadAsync("docs/file.bin", harness.OutputPath("file.bin"));

        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("file.bin")).WaitAsync(StepTimeout));
        Assert.Equal((size, 1, size, 1), (upload.BytesDone, upload.FilesDone, download.BytesDone, download.FilesDone));
        var listed = Assert.Single(harness.Catalog.ListFiles());
        Assert.Equal(("docs/file.bin", (long)size, "complete"), (listed.RemotePath, listed.Size, listed.State));
        var blocks = Manifest.BlockCountFor(size, BlockSize);
        Assert.Equal(blocks * 7, upload.FragmentsSent);
        Assert.Equal(blocks * 7, harness.Suppliers.Sum(s => s.HeldFragments));
    }

    [Fact]
    public async Task A_folder_uploads_every_file_under_it_and_downloads_into_a_folder()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var files = new Dictionary<string, byte[]>
        {
            ["tree/a.txt"] = RandomBytes(10), ["tree/sub/b.bin"] = RandomBytes(3 * BlockSize + 1), ["tree/sub/deeper/empty"] = [],
        };
        foreach (var (name, content) in files)
            harness.LocalFile(name, content);

        var upload = await harness.UploadAsync(Path.Combine(harness.Home, "local", "tree"), "backup/tree");
        var download = await harness.DownloadAsync("backup/tree", harness.OutputPath("restored"));

        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal((3, 3), (upload.FilesTotal, download.FilesDone));
        Assert.Equal(["backup/tree/a.txt", "backup/tree/sub/b.bin", "backup/tree/sub/deeper/empty"],
            harness.Catalog.ListFiles().Select(f => f.RemotePath));
        foreach (var (name, content) in files)
            Assert.Equal(content,
                await File.ReadAllBytesAsync(harness.OutputPath(Path.Combine("restored", name["tree/".Length..]))).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Names_of_any_script_up_to_255_bytes_come_back_byte_exact_and_a_256_byte_name_is_refused()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var files = UnicodeTrees.Names.ToDictionary(n => $"ünï 😀/{n}/{n}", _ => RandomBytes(100), StringComparer.Ordinal);
        foreach (var (name, content) in files)
            harness.LocalFile(name, content);

        await harness.UploadAsync(Path.Combine(harness.Home, "local", "ünï 😀"), "ünï 😀");
        var download = await harness.DownloadAsync("ünï 😀", harness.OutputPath("ünï 😀"));

        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(files.Keys.Order(StringComparer.Ordinal),
            harness.Catalog.ListFiles().Select(f => f.RemotePath).Order(StringComparer.Ordinal));
        foreach (var (name, content) in files)
            Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath(name)).WaitAsync(StepTimeout));
        var longest = UnicodeTrees.Names.First(n => System.Text.Encoding.UTF8.GetByteCount(n) == RemotePath.MaxNameBytes);
        Assert.Throws<ArgumentException>(() => harness.Storage.StartUpload(harness.OutputPath(files.Keys.First()), longest + "!"));
    }

    [Theory]
    [InlineData(new[] { 0, 1, 2 }, 3)]
    [InlineData(new[] { 4, 5, 6 }, 0)]
    [InlineData(new[] { 1, 3, 5 }, 6)]
    public async Task Any_m_suppliers_stopped_still_download_and_one_more_fails_naming_blocks_and_suppliers_leaving_no_file(int[] lost,
        int oneMore)
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var content = RandomBytes(4 * BlockSize + 7);
        await harness.UploadAsync(harness.LocalFile("photo.jpg", content), "photo.jpg");

        foreach (var position in lost)
            await harness.Suppliers[position].StopAsync();
        var survived = await harness.DownloadAsync("photo.jpg", harness.OutputPath("photo.jpg"));
        Assert.True(survived.State == TransferState.Complete, survived.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("photo.jpg")).WaitAsync(StepTimeout));

        await harness.Suppliers[oneMore].StopAsync();
        var target = harness.OutputPath("again.jpg");
        var failed = await harness.DownloadAsync("photo.jpg", target);

        Assert.Equal(TransferState.Failed, failed.State);
        Assert.Contains("photo.jpg: Block 0 of", failed.Error, StringComparison.Ordinal);
        Assert.Contains("3 of the 4 fragments needed", failed.Error, StringComparison.Ordinal);
        foreach (var position in lost.Append(oneMore))
            Assert.Contains($"supplier supplier-{position} at 127.0.0.1:", failed.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(target));
        Assert.False(File.Exists(target + CustomerStorage.PartialSuffix));
    }

    [Fact]
    public async Task An_upload_with_fewer_than_k_suppliers_fails_naming_them_and_leaves_no_version()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        foreach (var supplier in harness.Suppliers.Take(4))
            await supplier.StopAsync();

        var transfer = harness.Storage.StartUpload(harness.LocalFile("a.bin", RandomBytes(2 * BlockSize)), "a.bin");
        await transfer.WhenFinished.WaitAsync(StepTimeout);

        Assert.Equal(TransferState.Failed, transfer.State);
        Assert.Matches(@"^a\.bin: block [01] could not be stored: 3 of the 4 fragments needed", transfer.Error);
        Assert.Contains("supplier supplier-0 at 127.0.0.1:", transfer.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Catalog.ListFiles());
    }

    [Fact]
    public async Task Versions_beyond_max_copies_and_deleted_files_leave_the_suppliers()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var local = harness.LocalFile("notes.txt", RandomBytes(BlockSize + 1));
        for (var i = 0; i < 3; i++)
        {
            File.SetLastWriteTimeUtc(local, DateTime.UtcNow.AddSeconds(i));
            await harness.UploadAsync(local, "notes.txt");
        }

        var file = harness.Catalog.FindFile("notes.txt")!;
        Assert.Equal([3L, 2L], harness.Catalog.Versions(file.FileId).Select(v => v.File.Version));
        Assert.Equal(2 * 2 * 7, harness.Suppliers.Sum(s => s.HeldFragments));

        Assert.Equal(2, await harness.Storage.DeleteAsync("notes.txt", CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Empty(harness.Catalog.ListFiles());
        Assert.Equal(0, harness.Suppliers.Sum(s => s.HeldFragments));
        await Assert.ThrowsAsync<RemoteFileNotFoundException>(() => harness.Storage.DeleteAsync("notes.txt", CancellationToken.None));
    }

    [Fact]
    public async Task Bad_requests_are_refused_with_a_reason()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var local = harness.LocalFile("a", [1]);

        Assert.Contains("absolute", Assert.Throws<ArgumentException>(() => harness.Storage.StartUpload("relative/a", null)).Message,
            StringComparison.Ordinal);
        Assert.Contains("does not exist",
            Assert.Throws<ArgumentException>(() => harness.Storage.StartUpload(local + ".nope", null)).Message,
            StringComparison.Ordinal);
        Assert.Contains("\"..\" part", Assert.Throws<ArgumentException>(() => harness.Storage.StartUpload(local, "../a")).Message,
            StringComparison.Ordinal);
        Assert.Throws<RemoteFileNotFoundException>(() => harness.Storage.StartDownload("nothing/here", harness.OutputPath("x")));
    }
}
