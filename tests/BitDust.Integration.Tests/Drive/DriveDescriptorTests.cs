using System.Diagnostics;
using System.Globalization;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Drive;

/// <summary>
/// The descriptors the node needs do not grow with the files waiting for upload or kept in the cache: a node held to the
/// 1,024 descriptors most systems give a process takes a copy of thousands of files, uploads them all and unmounts.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class DriveDescriptorTests(ITestOutputHelper output)
{
    private const int Files = 1600;
    private const int NodeDescriptors = 1024;

    [Fact]
    public async Task A_cp_r_of_thousands_of_files_into_a_node_held_to_1024_descriptors_creates_each_and_a_new_machine_lists_them()
    {
        await using var net = await LocalnetFixture.StartAsync(7);
        var source = Path.Combine(net.WorkFolder, "source");
        var written = TestFiles.WriteTree(source, Files, 2048, new Random(Random.Shared.Next()));
        var pid = net.Customer.DaemonPid() ?? throw new InvalidOperationException($"no pid file in {net.Customer.Home}");
        await MountedDrive.ShellOkAsync($"prlimit --pid {pid} --nofile={NodeDescriptors}:{NodeDescriptors}");
        var mountPoint = Path.Combine(net.WorkFolder, "drive");
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            using var stop = new CancellationTokenSource();
            var peak = 0;
            var sampling = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, OpenDescriptors(pid));
                    await Task.Delay(50);
                }
            });
            var clock = Stopwatch.StartNew();
            var (copied, printed) = await MountedDrive.ShellAsync($"cp -r '{source}' '{mountPoint}/tree'");
            var copying = clock.Elapsed;
            Assert.True(copied == 0, $"cp -r into the drive exited {copied}: {string.Join('\n', printed.Split('\n').Take(5))}\n" +
                LocalnetFixture.LogTail(net.Customer.Home, 5));

            var (code, unmountOutput, error) =
                await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "mount", "--unmount", mountPoint);
            var durable = clock.Elapsed;
            await stop.CancelAsync();
            await sampling.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(code == 0, $"bitdust mount --unmount exited {code}: {unmountOutput}{error}");
            Assert.False(MountedDrive.IsMounted(mountPoint));
            output.WriteLine($"{Files} files: cp -r {copying.TotalSeconds:0.0} s ({Files / copying.TotalSeconds:0} creates/s), " +
                $"durable and unmounted after {durable.TotalSeconds:0.0} s; node peak {peak} descriptors (limit {NodeDescriptors}), " +
                $"peak RSS {PeakResidentKiB(pid) / 1024} MiB");
        }

        var fresh = await net.MoveCustomerAsync("new-machine");
        var again = Path.Combine(net.WorkFolder, "drive-again");
        await using (await MountedDrive.MountAsync(fresh, again))
        {
            var listed = Directory.EnumerateFiles(Path.Combine(again, "tree"), "*", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(Path.Combine(again, "tree"), f)).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(written.Order(StringComparer.Ordinal), listed);
            foreach (var relative in written.Take(10))
                Assert.Equal(TestFiles.Sha256(Path.Combine(source, relative)), TestFiles.Sha256(Path.Combine(again, "tree", relative)));
            await fresh.RunOkAsync("mount", "--unmount", again, "--force");
        }
    }

    private static int OpenDescriptors(int pid)
    {
        try
        {
            return Directory.GetFileSystemEntries($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/fd").Length;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>The most memory the process has had resident (VmHWM), in KiB.</summary>
    private static long PeakResidentKiB(int pid) =>
        File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status")
            .Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)).Single();
}
