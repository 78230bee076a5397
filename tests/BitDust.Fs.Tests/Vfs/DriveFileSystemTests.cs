using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Tests.Storage.Customer;
using BitDust.Fs.Cache;
using BitDust.Fs.Vfs;

namespace BitDust.Fs.Tests.Vfs;

public sealed class DriveFileSystemTests
{
    [Fact]
    public async Task Files_written_and_closed_become_durable_and_read_back_byte_exact_from_an_empty_cache_with_their_tree()
    {
        await using var drive = await DriveHarness.StartAsync();
        var big = CustomerHarness.RandomBytes(1_000_000);
        var small = CustomerHarness.RandomBytes(1000);
        Assert.Equal(Errno.Ok, drive.Drive.MakeDirectory("/docs", 0x1C0, 0, 0));
        Assert.Equal(Errno.Ok, drive.Drive.MakeDirectory("/empty", 0x1ED, 0, 0));
        drive.WriteFile("/docs/big.bin", big, mode: 0x180);
        drive.WriteFile("/docs/small.txt", small);
        var modified = new DateTimeOffset(2020, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        Assert.Equal(Errno.Ok, drive.Drive.SetTimes("/docs/small.txt", 0, null, modified));
        Assert.Equal(Errno.Ok, drive.Drive.CreateSymlink("docs/small.txt", "/link", 0, 0));
        Assert.Equal("pending", drive.Attribute("/docs/big.bin", DriveFileSystem.StateAttribute));

        await drive.ReopenWithEmptyCacheAsync();

        Assert.Equal(big, drive.ReadFile("/docs/big.bin"));
        Assert.Equal(small, drive.ReadFile("/docs/small.txt"));
        Assert.Equal(Errno.Ok, drive.Drive.GetAttributes("/docs/big.bin", 0, out var bigAttributes));
        Assert.Equal(0x180, bigAttributes.Mode);
        Assert.Equal(Errno.Ok, drive.Drive.GetAttributes("/docs/small.txt", 0, out var smallAttributes));
        Assert.Equal(modified, smallAttributes.Modified);
        Assert.Equal(Errno.Ok, drive.Drive.GetAttributes("/docs", 0, out var docs));
        Assert.Equal((NodeKind.Directory, 0x1C0), (docs.Kind, docs.Mode));
        Assert.Equal(Errno.Ok, drive.Drive.GetAttributes("/empty", 0, out var empty));
        Assert.Equal(NodeKind.Directory, empty.Kind);
        Assert.Equal(Errno.Ok, drive.Drive.ReadSymlink("/link", out var target));
        Assert.Equal("docs/small.txt", target);
        Assert.Equal("cached", drive.Attribute("/docs/small.txt", DriveFileSystem.StateAttribute));
        Assert.Equal("7/7", drive.Attribute("/docs/small.txt", DriveFileSystem.FragmentsAttribute));
    }

    [Fact]
    public async Task Files_replaced_by_renames_while_uploads_run_keep_their_last_names_and_contents_on_an_empty_cache()
    {
        const int Rounds = 12;
        // git's way: write NAME.lock, close it, rename it over NAME; again and again, faster than uploads finish. The kernel
        // sends the release of a closed file on its own time, so the rename may come while the release is being handled.
        await using var drive = await DriveHarness.StartAsync();
        Assert.Equal(Errno.Ok, drive.Drive.MakeDirectory("/repo", 0x1ED, 0, 0));
        var expected = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var random = new Random(7);
        for (var round = 0; round < Rounds; round++)
        {
            foreach (var name in new[] { "index", "HEAD", "config" })
            {
                var content = CustomerHarness.RandomBytes(random.Next(1, 300_000));
                var handle = drive.WriteOpen($"/repo/{name}.lock", content);
                var release = Task.Run(() => drive.Drive.Release($"/repo/{name}.lock", handle));
                var rename = Task.Run(() => drive.Drive.Rename($"/repo/{name}.lock", $"/repo/{name}", RenameFlags.None));
                Assert.Equal([Errno.Ok, Errno.Ok], await Task.WhenAll(release, rename).WaitAsync(CustomerHarness.StepTimeout));
                expected[$"/repo/{name}"] = content;
            }
            var temporary = CustomerHarness.RandomBytes(random.Next(1, 100_000));
            drive.WriteFile($"/repo/tmp_obj_{round}", temporary);
            Assert.Equal(Errno.Ok, drive.Drive.MakeDirectory($"/repo/{round:x2}", 0x1ED, 0, 0));
            Assert.Equal(Errno.Ok, drive.Drive.Rename($"/repo/tmp_obj_{round}", $"/repo/{round:x2}/object", RenameFlags.None));
            expected[$"/repo/{round:x2}/object"] = temporary;
            if (round % 4 == 3)
                await Task.Delay(300);
        }

        await drive.ReopenWithEmptyCacheAsync();

        var listed = new List<DirectoryEntry>();
        Assert.Equal(Errno.Ok, drive.Drive.ReadDirectory("/repo", listed));
        Assert.Equal(expected.Keys.Where(k => k.Count(c => c == '/') == 2).Select(k => k[6..])
                .Concat(Enumerable.Range(0, Rounds).Select(r => r.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))).Order(StringComparer.Ordinal),
            listed.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var (path, content) in expected)
            Assert.True(content.AsSpan().SequenceEqual(drive.ReadFile(path)), $"{path} does not read back as last written");
        Assert.DoesNotContain(drive.Customer.Storage.Catalog.Files(), f => f.RemotePath.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_rename_that_lands_while_a_closed_file_is_being_queued_uploads_it_under_its_new_name()
    {
        await using var drive = await DriveHarness.StartAsync();
        var catalog = drive.Customer.Storage.Catalog;
        var content = CustomerHarness.RandomBytes(50_000);
        var handle = drive.WriteOpen("/index.lock", content);
        // The rename comes (on another thread, as the kernel sends it) the moment closing has written the file's attributes,
        // before its upload is queued; closing then takes a while longer. It must not land in between.
        Task<Errno>? rename = null;
        void RenameNow()
        {
            if (rename is null && catalog.FindTreeEntry("index.lock") is not null)
            {
                rename = Task.Run(() => drive.Drive.Rename("/index.lock", "/index", RenameFlags.None));
                Thread.Sleep(300);
            }
        }
        catalog.Changed += RenameNow;
        Assert.Equal(Errno.Ok, drive.Drive.Release("/index.lock", handle));
        catalog.Changed -= RenameNow;
        Assert.NotNull(rename);
        Assert.Equal(Errno.Ok, await rename.WaitAsync(CustomerHarness.StepTimeout));

        await drive.ReopenWithEmptyCacheAsync();

        Assert.Equal(content, drive.ReadFile("/index"));
        Assert.Equal(Errno.ENOENT, drive.Drive.GetAttributes("/index.lock", 0, out _));
        Assert.Null(catalog.FindFile("index.lock"));
    }

    [Fact]
    public async Task Fsync_returns_once_the_file_is_durable_and_says_EIO_when_the_network_cannot_store_it()
    {
        await using var drive = await DriveHarness.StartAsync();
        var content = CustomerHarness.RandomBytes(300_000);
        var handle = drive.WriteOpen("/kept", content);
        Assert.Equal("pending", drive.Attribute("/kept", DriveFileSystem.StateAttribute));
        Assert.Equal(Errno.Ok, await Task.Run(() => drive.Drive.Sync("/kept", handle, dataOnly: false)).WaitAsync(CustomerHarness.StepTimeout));
        Assert.Equal("cached", drive.Attribute("/kept", DriveFileSystem.StateAttribute));
        // Durable: at least k = 4 of its 7 fragments are stored (the others follow in the background).
        Assert.Matches("^[4-7]/7$", drive.Attribute("/kept", DriveFileSystem.FragmentsAttribute));
        Assert.Equal(Errno.Ok, drive.Drive.Release("/kept", handle));

        // 4 of 7 suppliers gone: fewer than the k = 4 fragments of a block can be stored.
        foreach (var supplier in drive.Customer.Suppliers.Take(4))
            await supplier.StopAsync();
        var lost = drive.WriteOpen("/lost", CustomerHarness.RandomBytes(100_000));
        Assert.Equal(Errno.EIO, await Task.Run(() => drive.Drive.Sync("/lost", lost, dataOnly: false)).WaitAsync(CustomerHarness.StepTimeout));
        Assert.Equal("pending", drive.Attribute("/lost", DriveFileSystem.StateAttribute));
        Assert.Equal(Errno.Ok, drive.Drive.Release("/lost", lost));
    }

    [Fact]
    public async Task Readers_and_writers_of_one_file_at_the_same_time_see_it_as_on_a_local_disk()
    {
        await using var drive = await DriveHarness.StartAsync();
        const int Chunk = 16 * 1024;
        const int Chunks = 64;
        var fs = drive.Drive;
        Assert.Equal(Errno.Ok, fs.Create("/shared", 0x1A4, OpenFlags.ReadWrite | OpenFlags.Create, 0, 0, out var first));
        Assert.Equal(Errno.Ok, fs.Open("/shared", OpenFlags.ReadWrite, out var second));
        var expected = new byte[Chunk * Chunks];
        // Two writers on two handles, even and odd chunks; two readers checking that what they read was written.
        var writers = new[] { (Handle: first, Parity: 0), (Handle: second, Parity: 1) }.Select(w => Task.Run(() =>
        {
            for (var i = w.Parity; i < Chunks; i += 2)
            {
                var data = Enumerable.Repeat((byte)(i + 1), Chunk).ToArray();
                data.CopyTo(expected, i * Chunk);
                Assert.Equal(Errno.Ok, fs.Write("/shared", w.Handle, data, (long)i * Chunk, out var written));
                Assert.Equal(Chunk, written);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            Assert.Equal(Errno.Ok, fs.Open("/shared", OpenFlags.ReadOnly, out var reader));
            var buffer = new byte[Chunk];
            while (!writers.All(w => w.IsCompleted))
            {
                var at = Random.Shared.Next(Chunks);
                Assert.Equal(Errno.Ok, fs.Read("/shared", reader, buffer, (long)at * Chunk, out var read));
                // What is not written yet reads as zeros (a hole) or is beyond the end; nothing ever reads as another chunk's bytes.
                Assert.True(buffer.AsSpan(0, read).IndexOfAnyExcept((byte)0, (byte)(at + 1)) < 0, $"chunk {at} read back foreign bytes");
            }
            Assert.Equal(Errno.Ok, fs.Release("/shared", reader));
        })).ToArray();
        await Task.WhenAll([.. writers, .. readers]).WaitAsync(CustomerHarness.StepTimeout);
        Assert.Equal(Errno.Ok, fs.Release("/shared", first));
        Assert.Equal(Errno.Ok, fs.Release("/shared", second));
        Assert.Equal(expected, drive.ReadFile("/shared"));

        await drive.ReopenWithEmptyCacheAsync();
        Assert.Equal(expected, drive.ReadFile("/shared"));
    }

    [Fact]
    public async Task Errors_are_the_errno_a_local_disk_gives()
    {
        await using var drive = await DriveHarness.StartAsync(quota: 1L << 20);
        var fs = drive.Drive;
        Assert.Equal(Errno.ENOENT, fs.GetAttributes("/missing", 0, out _));
        Assert.Equal(Errno.ENOENT, fs.Open("/missing", OpenFlags.ReadOnly, out _));
        Assert.Equal(Errno.Ok, fs.MakeDirectory("/d", 0x1ED, 0, 0));
        Assert.Equal(Errno.EEXIST, fs.MakeDirectory("/d", 0x1ED, 0, 0));
        drive.WriteFile("/d/f", [1, 2, 3]);
        Assert.Equal(Errno.ENOTEMPTY, fs.RemoveDirectory("/d"));
        Assert.Equal(Errno.EISDIR, fs.Open("/d", OpenFlags.WriteOnly, out _));
        Assert.Equal(Errno.EISDIR, fs.Unlink("/d"));
        Assert.Equal(Errno.ENOTDIR, fs.RemoveDirectory("/d/f"));
        Assert.Equal(Errno.EEXIST, fs.Create("/d/f", 0x1A4, OpenFlags.WriteOnly | OpenFlags.Create | OpenFlags.Exclusive, 0, 0, out _));
        Assert.Equal(Errno.ENOENT, fs.Create("/nowhere/f", 0x1A4, OpenFlags.WriteOnly | OpenFlags.Create, 0, 0, out _));
        Assert.Equal(Errno.EEXIST, fs.Rename("/d/f", "/d/f2", RenameFlags.None) == Errno.Ok
            ? fs.Rename("/d/f2", "/d", RenameFlags.NoReplace) : Errno.EIO);
        Assert.Equal(Errno.EINVAL, fs.Rename("/d", "/d/inside", RenameFlags.None));

        Assert.Equal(Errno.Ok, fs.Create("/huge", 0x1A4, OpenFlags.WriteOnly | OpenFlags.Create, 0, 0, out var handle));
        var chunk = new byte[256 * 1024];
        var result = Errno.Ok;
        for (var offset = 0L; offset < 2L << 20 && result == Errno.Ok; offset += chunk.Length)
            result = fs.Write("/huge", handle, chunk, offset, out _);
        Assert.Equal(Errno.ENOSPC, result);
        Assert.Equal(Errno.Ok, fs.Release("/huge", handle));
        Assert.Equal(Errno.Ok, fs.GetStats(out var stats));
        Assert.Equal(1L << 20, stats.TotalBytes);
    }

    [Fact]
    public async Task Rename_over_a_file_and_delete_are_kept_by_the_catalog_across_a_remount()
    {
        await using var drive = await DriveHarness.StartAsync();
        var first = CustomerHarness.RandomBytes(5000);
        var second = CustomerHarness.RandomBytes(7000);
        drive.WriteFile("/a", first);
        drive.WriteFile("/b", second);
        drive.WriteFile("/gone", [9]);
        Assert.Equal(Errno.Ok, drive.Drive.Rename("/b", "/a", RenameFlags.None));
        Assert.Equal(Errno.Ok, drive.Drive.Unlink("/gone"));
        Assert.Equal(Errno.Ok, drive.Drive.MakeDirectory("/dir", 0x1ED, 0, 0));
        drive.WriteFile("/dir/inner", first);
        Assert.Equal(Errno.Ok, drive.Drive.Rename("/dir", "/moved", RenameFlags.None));

        await drive.ReopenWithEmptyCacheAsync();

        Assert.Equal(second, drive.ReadFile("/a"));
        Assert.Equal(first, drive.ReadFile("/moved/inner"));
        Assert.Equal(Errno.ENOENT, drive.Drive.GetAttributes("/b", 0, out _));
        Assert.Equal(Errno.ENOENT, drive.Drive.GetAttributes("/gone", 0, out _));
        Assert.Equal(Errno.ENOENT, drive.Drive.GetAttributes("/dir", 0, out _));
        var names = new List<DirectoryEntry>();
        Assert.Equal(Errno.Ok, drive.Drive.ReadDirectory("/", names));
        Assert.Equal(["a", "moved"], names.Select(n => n.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Names_of_any_script_up_to_255_bytes_keep_their_bytes_through_a_folder_rename_and_256_bytes_are_ENAMETOOLONG()
    {
        await using var drive = await DriveHarness.StartAsync();
        var fs = drive.Drive;
        var contents = UnicodeTrees.Names.ToDictionary(n => n, _ => CustomerHarness.RandomBytes(300), StringComparer.Ordinal);
        foreach (var folder in new[] { "/a", "/a😀", "/a0" })
            Assert.Equal(Errno.Ok, fs.MakeDirectory(folder, 0x1ED, 0, 0));
        foreach (var (name, content) in contents)
        {
            Assert.Equal(Errno.Ok, fs.MakeDirectory($"/a😀/{name}", 0x1ED, 0, 0));
            drive.WriteFile($"/a😀/{name}/{name}", content);
        }
        drive.WriteFile("/a/sibling", [1]);
        drive.WriteFile("/a0/sibling", [2]);
        var tooLong = UnicodeTrees.Names.First(n => System.Text.Encoding.UTF8.GetByteCount(n) == RemotePath.MaxNameBytes) + "!";
        Assert.Equal(Errno.ENAMETOOLONG, fs.MakeDirectory($"/{tooLong}", 0x1ED, 0, 0));
        Assert.Equal(Errno.ENAMETOOLONG, fs.Create($"/a/{tooLong}", 0x1A4, OpenFlags.WriteOnly | OpenFlags.Create, 0, 0, out _));
        Assert.Equal(Errno.ENAMETOOLONG, fs.Rename("/a/sibling", $"/a/{tooLong}", RenameFlags.None));
        Assert.Equal(Errno.ENAMETOOLONG, fs.CreateSymlink("a", $"/{tooLong}", 0, 0));

        Assert.Equal(Errno.Ok, fs.Rename("/a😀", "/日本 😀", RenameFlags.None));
        await drive.ReopenWithEmptyCacheAsync();

        var listed = new List<DirectoryEntry>();
        Assert.Equal(Errno.Ok, drive.Drive.ReadDirectory("/日本 😀", listed));
        Assert.Equal(contents.Keys.Order(StringComparer.Ordinal), listed.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var (name, content) in contents)
            Assert.Equal(content, drive.ReadFile($"/日本 😀/{name}/{name}"));
        Assert.Equal([1], drive.ReadFile("/a/sibling"));
        Assert.Equal([2], drive.ReadFile("/a0/sibling"));
        listed.Clear();
        Assert.Equal(Errno.Ok, drive.Drive.ReadDirectory("/", listed));
        Assert.Equal(["a", "a0", "日本 😀"], listed.Select(e => e.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_small_read_in_the_middle_of_a_large_file_fetches_only_the_block_that_covers_it()
    {
        await using var drive = await DriveHarness.StartAsync();
        var content = CustomerHarness.RandomBytes(40 * CustomerHarness.BlockSize);
        drive.WriteFile("/large", content);
        await drive.ReopenWithEmptyCacheAsync();

        Assert.Equal(Errno.Ok, drive.Drive.Open("/large", OpenFlags.ReadOnly, out var handle));
        var middle = 20L * CustomerHarness.BlockSize + 1000;
        var buffer = new byte[4096];
        Assert.Equal(Errno.Ok, drive.Drive.Read("/large", handle, buffer, middle, out var read));
        Assert.Equal(4096, read);
        Assert.Equal(content.AsSpan((int)middle, 4096).ToArray(), buffer);
        // One block: k of its n fragments (a failed fetch would ask one more, never a second block's worth).
        Assert.InRange(drive.Drive.FragmentsRequested, 4, 7);
        Assert.Equal(Errno.Ok, drive.Drive.Release("/large", handle));
    }

    [Fact]
    public async Task The_cache_stays_under_its_limit_while_three_times_its_size_is_written_and_read()
    {
        const long limit = 2L << 20;
        await using var drive = await DriveHarness.StartAsync(cacheLimit: limit);
        var files = Enumerable.Range(0, 6).Select(_ => CustomerHarness.RandomBytes(1 << 20)).ToArray();
        await using var watch = new CachePeak(drive.Drive.Space);
        // One writer at a time, as cp, rsync and tar write (files being written at once that add up to more than the cache
        // cannot be held under it: none of them can go before it is closed), while the files closed before upload.
        await Task.Run(() =>
        {
            for (var i = 0; i < files.Length; i++)
                drive.WriteFile($"/f{i}", files[i]);
        }).WaitAsync(CustomerHarness.StepTimeout);
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(reader => Task.Run(() =>
        {
            for (var i = reader; i < files.Length; i += 3)
                Assert.Equal(files[i], drive.ReadFile($"/f{i}"));
        }))).WaitAsync(CustomerHarness.StepTimeout);
        Assert.InRange(await watch.StopAsync(), 1, limit);
        Assert.InRange(DiskUsage(drive.Cache), 0, limit);
    }

    [Fact]
    public async Task A_writer_short_of_room_waits_for_files_closed_before_it_whose_release_has_not_come_yet()
    {
        const long limit = 2L << 20;
        await using var drive = await DriveHarness.StartAsync(cacheLimit: limit);
        var files = Enumerable.Range(0, 3).Select(_ => CustomerHarness.RandomBytes(1 << 20)).ToArray();
        await using var watch = new CachePeak(drive.Drive.Space);
        // cp closed f0 and f1 and writes f2: the kernel sends their releases after close() returned, so the drive sees the
        // writes of f2 first, with the cache full of two copies neither queued for upload nor evictable yet.
        var first = drive.WriteOpen("/f0", files[0]);
        var second = drive.WriteOpen("/f1", files[1]);
        var writer = Task.Run(() => drive.WriteFile("/f2", files[2]));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Equal(Errno.Ok, drive.Drive.Release("/f0", first));
        Assert.Equal(Errno.Ok, drive.Drive.Release("/f1", second));
        await writer.WaitAsync(CustomerHarness.StepTimeout);
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        Assert.InRange(await watch.StopAsync(), 1, limit);
        for (var i = 0; i < files.Length; i++)
            Assert.Equal(files[i], drive.ReadFile($"/f{i}"));
    }

    [Fact]
    public async Task A_copy_whose_upload_left_a_supplier_short_stays_until_the_rebuild_completes_it_and_the_cache_keeps_its_limit()
    {
        const long limit = 2L << 20;
        await using var drive = await DriveHarness.StartAsync(cacheLimit: limit);
        var catalog = drive.Customer.Catalog;
        var rebuildsWanted = 0;
        drive.Customer.Storage.RebuildWanted += () => Interlocked.Increment(ref rebuildsWanted);
        using var stop = new CancellationTokenSource();
        var rebuilder = drive.Customer.NewRebuilder();
        var rebuilding = rebuilder.RunAsync(stop.Token);
        await using var watch = new CachePeak(drive.Drive.Space);
        var absent = drive.Customer.Suppliers[^1];
        await absent.StopAsync();
        var files = Enumerable.Range(0, 3).Select(_ => CustomerHarness.RandomBytes(1 << 20)).ToArray();
        drive.WriteFile("/f0", files[0]);
        drive.WriteFile("/f1", files[1]);
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        // Durable (every block has k plus the margin of its 7 fragments) but one short: the cache, full, may not let them go.
        bool Short(string path) => catalog.FindFile(path) is { } file && catalog.LatestReadable(file.FileId) is { State: VersionState.Durable };
        await CustomerHarness.WaitUntilAsync(() => Short("f0") && Short("f1") && Volatile.Read(ref rebuildsWanted) > 0);

        // The next file waits for room: no copy is evictable until its version has every fragment.
        var writer = Task.Run(() => drive.WriteFile("/f2", files[2]));
        // The supplier is back: the employer sees it and asks the rebuild for a pass, which completes both versions.
        absent.Restart();
        var employer = drive.Customer.NewEmployer(new EmployerOptions
        {
            PingInterval = TimeSpan.FromMilliseconds(100), AuditInterval = TimeSpan.FromHours(1), OfflineDeadline = TimeSpan.FromHours(1),
        }, rebuilder.Request);
        var employing = employer.RunAsync(stop.Token);
        await writer.WaitAsync(CustomerHarness.StepTimeout);
        await CustomerHarness.WaitUntilAsync(() => !Short("f0") && !Short("f1"));
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        await stop.CancelAsync();
        var peak = await watch.StopAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.WhenAll(rebuilding, employing).WaitAsync(CustomerHarness.StepTimeout));
        Assert.InRange(peak, 1, limit);
        for (var i = 0; i < files.Length; i++)
            Assert.Equal(files[i], drive.ReadFile($"/f{i}"));
    }

    [Fact]
    public async Task Evicting_everything_lets_go_of_complete_copies_and_keeps_a_file_still_being_written()
    {
        await using var drive = await DriveHarness.StartAsync();
        var kept = CustomerHarness.RandomBytes(300_000);
        var open = CustomerHarness.RandomBytes(200_000);
        drive.WriteFile("/kept", kept);
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        var catalog = drive.Customer.Catalog;
        await CustomerHarness.WaitUntilAsync(() =>
            catalog.FindFile("kept") is { } file && catalog.LatestReadable(file.FileId) is { State: VersionState.Complete });
        var handle = drive.WriteOpen("/open", open);

        var dropped = drive.Drive.Space.EvictAll();

        Assert.Equal(CacheSpace.Pages(kept.Length), dropped);
        Assert.Equal(CacheSpace.Pages(open.Length), drive.Drive.Space.Used);
        Assert.Equal("durable", drive.Attribute("/kept", DriveFileSystem.StateAttribute));
        Assert.Equal("pending", drive.Attribute("/open", DriveFileSystem.StateAttribute));
        Assert.Equal(Errno.Ok, drive.Drive.Release("/open", handle));
        Assert.Equal(kept, drive.ReadFile("/kept"));
        Assert.Equal(open, drive.ReadFile("/open"));
    }

    [Fact]
    public async Task A_file_whose_upload_failed_while_the_drive_was_unmounted_is_there_at_the_next_mount_and_goes_up_then()
    {
        await using var drive = await DriveHarness.StartAsync();
        var catalog = drive.Customer.Catalog;
        var content = CustomerHarness.RandomBytes(300_000);
        // 4 of 7 suppliers gone: fewer than the k = 4 fragments of a block can be stored, so the upload fails.
        var gone = drive.Customer.Suppliers.Take(4).ToList();
        foreach (var supplier in gone)
            await supplier.StopAsync();
        drive.WriteFile("/late.bin", content);
        await drive.RemountAsync(async () =>
        {
            // Unmounted: the storage runs the upload on its own, and it fails; then the suppliers come back.
            await CustomerHarness.WaitUntilAsync(() => catalog.UploadJobs().Any(j => j.State == TransferState.Failed));
            foreach (var supplier in gone)
                supplier.Restart();
        });

        Assert.Equal(Errno.Ok, drive.Drive.GetAttributes("/late.bin", 0, out var attributes));
        Assert.Equal(content.Length, attributes.Size);
        Assert.Equal("pending", drive.Attribute("/late.bin", DriveFileSystem.StateAttribute));
        await drive.Drive.Queue.FlushAsync(null, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);
        await drive.ReopenWithEmptyCacheAsync();
        Assert.Equal(content, drive.ReadFile("/late.bin"));
    }

    /// <summary>Bytes the folder's files take on disk (allocated blocks: holes punched in sparse files do not count).</summary>
    private static long DiskUsage(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).ToList();
        if (files.Count == 0)
            return 0;
        using var stat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%b", .. files])
        {
            RedirectStandardOutput = true,
        })!;
        var output = stat.StandardOutput.ReadToEnd();
        stat.WaitForExit();
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Sum(line => long.Parse(line, System.Globalization.CultureInfo.InvariantCulture) * 512);
    }
}
