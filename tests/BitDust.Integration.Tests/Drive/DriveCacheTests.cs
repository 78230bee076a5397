using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Drive;

/// <summary>One localnet of 4 suppliers (2 + 2) for the drive tests below; each leaves the drive unmounted and the node running.</summary>
public sealed class FourSupplierLocalnet() : LocalnetFixture(4);

/// <summary>
/// The drive's cache and its flush through a real mount: what is read comes from the network only as far as asked, the cache
/// keeps its limit, an unmount loses nothing that is still being written, and stubs open inside the drive.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class DriveCacheTests(FourSupplierLocalnet net, ITestOutputHelper output) : IClassFixture<FourSupplierLocalnet>
{
    // 4 suppliers: k = 2 of n = 4 fragments make a block.
    private const int DataFragments = 2;
    private const int AllFragments = 4;

    [Fact]
    public async Task An_unmount_while_a_large_file_is_still_being_written_waits_for_it_and_for_its_upload()
    {
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var source = Path.Combine(net.WorkFolder, "slow-source.bin");
        TestFiles.WriteRandom(source, 48L << 20);
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            // A writer that takes a few seconds, one MiB at a time, like a copy from a slow disk.
            var writer = MountedDrive.ShellAsync($"exec 3>'{mountPoint}/slow.bin'; for i in $(seq 0 47); do " +
                $"dd if='{source}' bs=1M skip=$i count=1 status=none >&3 || exit 1; sleep 0.08; done; exec 3>&-");
            await LocalnetFixture.PollAsync(async () => OpenForWriting(await DriveStatusAsync()).Contains("/slow.bin") ? "open" : null,
                TimeSpan.FromSeconds(30), () => "the writer never had /slow.bin open in the drive");
            var clock = Stopwatch.StartNew();
            var unmount = net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "mount", "--unmount", mountPoint);
            var (written, writerOutput) = await writer;
            var writerDone = clock.Elapsed;
            var (code, printed, error) = await unmount;
            output.WriteLine($"writer done after {writerDone.TotalSeconds:0.0} s, unmounted after {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.True(written == 0, $"the writer failed while the unmount waited: {writerOutput}");
            Assert.True(code == 0, $"bitdust mount --unmount exited {code}: {printed}{error}");
            Assert.Contains("still open for writing", printed, StringComparison.Ordinal);
            Assert.False(MountedDrive.IsMounted(mountPoint));
        }
        await using (await RemountWithEmptyCacheAsync(mountPoint))
        {
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(mountPoint, "slow.bin")));
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        }
    }

    [Fact]
    public async Task A_4_KiB_read_in_the_middle_of_a_1_GiB_file_fetches_only_the_fragments_of_the_block_that_covers_it()
    {
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var middle = Path.Combine(net.WorkFolder, "middle.bin");
        TestFiles.WriteRandom(middle, 8L << 20);
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            // 1 GiB of which 8 MiB at 512 MiB are random; the rest reads as zeros and compresses to almost nothing.
            await MountedDrive.ShellOkAsync($"truncate -s 1G '{mountPoint}/huge.bin' && " +
                $"dd if='{middle}' of='{mountPoint}/huge.bin' bs=1M seek=512 conv=notrunc status=none");
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        }
        await using (await RemountWithEmptyCacheAsync(mountPoint))
        {
            var huge = Path.Combine(mountPoint, "huge.bin");
            Assert.Equal(1L << 30, new FileInfo(huge).Length);
            var before = (await DriveStatusAsync())["fragments_requested"]!.GetValue<long>();
            // 4 KiB at 512 MiB + 400 KiB: inside block 128 (4 MiB blocks), also with the kernel's read-ahead.
            var (exit, hash) = await MountedDrive.ShellAsync($"dd if='{huge}' bs=4096 skip={(512 * 256) + 100} count=1 status=none | sha256sum");
            var requested = (await DriveStatusAsync())["fragments_requested"]!.GetValue<long>() - before;
            output.WriteLine($"fragments requested for one 4 KiB read: {requested}");
            Assert.Equal(0, exit);
            Assert.Equal(Sha256(File.ReadAllBytes(middle).AsSpan(100 * 4096, 4096)), hash.Split(' ')[0]);
            Assert.InRange(requested, DataFragments, AllFragments);
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint, "--force");
        }
    }

    [Fact]
    public async Task The_cache_stays_under_its_limit_while_three_times_its_size_is_written_and_read_through_the_mount()
    {
        const long limit = 32L << 20;
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var sources = Enumerable.Range(0, 12).Select(i => Path.Combine(net.WorkFolder, $"cache-{i}.bin")).ToList();
        foreach (var source in sources)
            TestFiles.WriteRandom(source, 8L << 20);
        var cache = Path.Combine(net.Customer.Home, "data", "drive", "cache");
        await using var drive = await MountedDrive.MountAsync(net.Customer, mountPoint, "--cache-size", "32 MB");
        using var stop = new CancellationTokenSource();
        var (peak, counted) = (0L, 0L);
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, await DiskUsageAsync(cache));
                counted = Math.Max(counted, (await DriveStatusAsync())["cache_used"]?.GetValue<long>() ?? 0);
            }
        });
        await MountedDrive.ShellOkAsync(string.Join(" && ", sources.Select((s, i) => $"cp '{s}' '{mountPoint}/f{i}.bin'")));
        foreach (var (source, i) in sources.Select((s, i) => (s, i)))
            Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(Path.Combine(mountPoint, $"f{i}.bin")));
        await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        await stop.CancelAsync();
        await watcher.WaitAsync(TimeSpan.FromSeconds(10));
        output.WriteLine($"96 MiB written and read through a 32 MB cache; the most it held on disk: {peak / (1 << 20)} MiB, " +
            $"counted: {counted / (1 << 20)} MiB");
        foreach (var line in LocalnetFixture.LogTail(net.Customer.Home, 2000).Split('\n').Where(l => l.Contains("over its limit", StringComparison.Ordinal)))
            output.WriteLine(line);
        if (counted > limit)
            output.WriteLine(LocalnetFixture.LogTail(net.Customer.Home, 300));
        Assert.InRange(counted, 1, limit);
        Assert.InRange(peak, 1, limit);
    }

    [Fact]
    public async Task Dropping_the_cache_lets_go_of_complete_copies_and_the_files_read_back_from_the_network()
    {
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var source = Path.Combine(net.WorkFolder, "dropped.bin");
        TestFiles.WriteRandom(source, 8L << 20);
        await using var drive = await MountedDrive.MountAsync(net.Customer, mountPoint);
        var file = Path.Combine(mountPoint, "dropped.bin");
        await MountedDrive.ShellOkAsync($"dd if='{source}' of='{file}' bs=1M conv=fsync status=none");
        // Durable once synced; it may go only once complete (every fragment stored).
        await net.WaitUploadsCompleteAsync();
        Assert.Equal("cached", await StateAsync(file));

        var printed = await net.Customer.RunOkAsync("mount", mountPoint, "--drop-cache");
        output.WriteLine(printed.Trim());
        Assert.Contains("Let go of", printed, StringComparison.Ordinal);
        Assert.Equal("durable", await StateAsync(file));
        var before = (await DriveStatusAsync())["fragments_requested"]!.GetValue<long>();
        Assert.Equal(TestFiles.Sha256(source), TestFiles.Sha256(file));
        Assert.True((await DriveStatusAsync())["fragments_requested"]!.GetValue<long>() > before, "the file read back from the cache");

        var (code, _, error) = await net.Customer.RunAsync(TimeSpan.FromSeconds(30), "mount", mountPoint, "--drop-cache", "--unmount");
        Assert.Equal(2, code);
        Assert.Contains("--drop-cache goes alone", error, StringComparison.Ordinal);
        await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        var (dropCode, dropped, dropError) = await net.Customer.RunAsync(TimeSpan.FromSeconds(30), "mount", mountPoint, "--drop-cache");
        Assert.True(dropCode != 0 && (dropped + dropError).Contains("not mounted", StringComparison.Ordinal),
            $"--drop-cache without a mount exited {dropCode}: {dropped}{dropError}");
    }

    private static async Task<string> StateAsync(string path) =>
        (await MountedDrive.ShellAsync($"getfattr --absolute-names --only-values -n user.bitdust.state '{path}'")).Output.Trim();

    [Fact]
    public async Task Opening_a_stub_inside_the_drive_materializes_its_original_and_a_damaged_stub_is_an_input_output_error()
    {
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var tag = Guid.NewGuid().ToString("N")[..8];
        var original = Path.Combine(net.WorkFolder, $"report-{tag}.pdf");
        TestFiles.WriteRandom(original, (3L << 20) + 17);
        await net.FileOkAsync("upload", original, $"stubbed/report-{tag}.pdf");
        var stub = Path.Combine(net.Customer.Home, "stubs", "stubbed", $"report-{tag}.pdf.f");
        await LocalnetFixture.PollAsync(() => Task.FromResult(File.Exists(stub) ? stub : null), TimeSpan.FromSeconds(30),
            () => $"the node wrote no stub at {stub}");
        await using var drive = await MountedDrive.MountAsync(net.Customer, mountPoint);
        Directory.CreateDirectory(Path.Combine(mountPoint, "inbox"));
        File.Copy(stub, Path.Combine(mountPoint, "inbox", "report.pdf.f"));
        var damaged = File.ReadAllBytes(stub);
        damaged[damaged.Length / 2] ^= 0x20;
        File.WriteAllBytes(Path.Combine(mountPoint, "inbox", "broken.pdf.f"), damaged);

        await MountedDrive.ShellOkAsync($"cat '{mountPoint}/inbox/report.pdf.f' > /dev/null");
        Assert.Equal(TestFiles.Sha256(original), TestFiles.Sha256(Path.Combine(mountPoint, "inbox", "report.pdf")));
        var (exit, printed) = await MountedDrive.ShellAsync($"cat '{mountPoint}/inbox/broken.pdf.f' > /dev/null");
        Assert.True(exit != 0 && printed.Contains("Input/output error", StringComparison.Ordinal), $"cat of a damaged stub: {exit} {printed}");
        Assert.False(File.Exists(Path.Combine(mountPoint, "inbox", "broken.pdf")));
        await LocalnetFixture.PollAsync(() => Task.FromResult(LocalnetFixture.LogTail(net.Customer.Home, 200)
                .Contains("materialize /inbox/broken.pdf.f failed", StringComparison.Ordinal) ? "logged" : null), TimeSpan.FromSeconds(10),
            () => $"the node's log does not say why broken.pdf.f was refused:\n{LocalnetFixture.LogTail(net.Customer.Home)}");

        // The materialized file is a file of the drive: pending, then durable, on k..n reachable fragments.
        var state = await LocalnetFixture.PollAsync(async () =>
        {
            var (_, value) = await MountedDrive.ShellAsync($"getfattr --absolute-names --only-values -n user.bitdust.state '{mountPoint}/inbox/report.pdf'");
            return value.Trim() is "cached" or "durable" ? value.Trim() : null;
        }, LocalnetFixture.TransferTimeout, () => $"inbox/report.pdf never became durable:\n{LocalnetFixture.LogTail(net.Customer.Home, 60)}");
        var (_, fragments) = await MountedDrive.ShellAsync(
            $"getfattr --absolute-names --only-values -n user.bitdust.fragments '{mountPoint}/inbox/report.pdf'");
        output.WriteLine($"inbox/report.pdf is {state}, weakest block on {fragments.Trim()} reachable fragments");
        Assert.Matches("^[234]/4$", fragments.Trim());
        await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
    }

    [Fact]
    public async Task The_drive_comes_off_cleanly_by_fusermount_by_SIGTERM_to_the_node_by_Ctrl_C_and_by_force_and_loses_nothing()
    {
        var mountPoint = Path.Combine(net.WorkFolder, $"drive-{Guid.NewGuid():N}");
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        async Task WriteAsync(string name, long size)
        {
            TestFiles.WriteRandom(Path.Combine(mountPoint, name), size);
            files[name] = TestFiles.Sha256(Path.Combine(mountPoint, name));
        }

        // fusermount3 -u from outside: the mount goes, the node stays, what was pending uploads on.
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            await WriteAsync("by-fusermount.bin", 20L << 20);
            await MountedDrive.ShellOkAsync($"fusermount3 -u '{mountPoint}'");
            await LocalnetFixture.PollAsync(async () => (await DriveStatusAsync())["state"]!.GetValue<string>() == "READY" ? "off" : null,
                TimeSpan.FromSeconds(30), () => "the drive service did not see the mount go");
            Assert.False(MountedDrive.IsMounted(mountPoint));
        }

        // SIGTERM to the node: it unmounts on its way out, leaving no dead mount behind.
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            await WriteAsync("by-sigterm.bin", 20L << 20);
            var pid = net.Customer.DaemonPid() ?? throw new InvalidOperationException("no node running");
            await MountedDrive.ShellOkAsync($"kill -TERM {pid}");
            await LocalnetFixture.PollAsync(() => Task.FromResult(net.Customer.DaemonPid() is null || !ProcessRuns(pid) ? "gone" : null),
                TimeSpan.FromSeconds(60), () => $"the node (pid {pid}) did not stop on SIGTERM");
            Assert.False(MountedDrive.IsMounted(mountPoint), "SIGTERM left the mount behind");
        }

        // Ctrl-C of a foreground mount: it flushes, unmounts and exits 0.
        using (var foreground = StartForeground(mountPoint))
        {
            var printed = foreground.StandardOutput.ReadToEndAsync();
            await LocalnetFixture.PollAsync(() => Task.FromResult(MountedDrive.IsMounted(mountPoint) ? "mounted" : null), LocalnetFixture.ReadyTimeout,
                () => "bitdust mount --foreground did not mount");
            await WriteAsync("by-ctrl-c.bin", 20L << 20);
            await MountedDrive.ShellOkAsync($"kill -INT {foreground.Id}");
            await foreground.WaitForExitAsync().WaitAsync(LocalnetFixture.TransferTimeout);
            var output = await printed;
            Assert.True(foreground.ExitCode == 0, $"bitdust mount --foreground exited {foreground.ExitCode} on Ctrl-C: {output}");
            Assert.Contains("Unmounted: every file closed in the drive is durable", output, StringComparison.Ordinal);
            Assert.False(MountedDrive.IsMounted(mountPoint));
        }

        // --force: at once, naming what is not durable yet; it uploads on.
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            await WriteAsync("by-force.bin", 40L << 20);
            var forced = await net.Customer.RunOkAsync("mount", "--unmount", mountPoint, "--force");
            Assert.False(MountedDrive.IsMounted(mountPoint));
            Assert.True(forced.Contains("  by-force.bin", StringComparison.Ordinal) || forced.Contains("0 files were not durable", StringComparison.Ordinal),
                forced);
        }

        // All four are in the network, byte-exact, read with an empty cache.
        await net.WaitUploadsCompleteAsync();
        await using (await RemountWithEmptyCacheAsync(mountPoint))
        {
            foreach (var (name, hash) in files)
                Assert.Equal(hash, TestFiles.Sha256(Path.Combine(mountPoint, name)));
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        }
    }

    private Process StartForeground(string mountPoint)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "bitdust.dll"), "mount", mountPoint, "--foreground" })
            start.ArgumentList.Add(argument);
        start.Environment["BITDUST_HOME"] = net.Customer.Home;
        var process = Process.Start(start)!;
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    private static bool ProcessRuns(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>As a new machine's drive would start: the node stopped, the drive's cache deleted, then mounted again.</summary>
    private async Task<MountedDrive> RemountWithEmptyCacheAsync(string mountPoint)
    {
        await net.Customer.RunOkAsync("stop");
        Directory.Delete(Path.Combine(net.Customer.Home, "data", "drive", "cache"), recursive: true);
        return await MountedDrive.MountAsync(net.Customer, mountPoint);
    }

    private async Task<JsonNode> DriveStatusAsync() => LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get, "/drive/status/v1"));

    private static List<string> OpenForWriting(JsonNode status) =>
        [.. status["open_for_writing"]!.AsArray().Select(p => p!.GetValue<string>())];

    private static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>Bytes the folder's files take on disk (their allocated blocks; not the folders'), 0 when it does not exist.</summary>
    private static async Task<long> DiskUsageAsync(string folder)
    {
        var (_, printed) = await MountedDrive.ShellAsync($"find '{folder}' -type f -printf '%b\\n' 2>/dev/null | awk '{{s+=$1}} END {{print s*512}}'");
        return long.TryParse(printed.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : 0;
    }
}
