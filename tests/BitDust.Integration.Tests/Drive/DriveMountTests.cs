using System.Diagnostics;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Drive;

/// <summary>The drive through a real FUSE mount, with real daemons: what a user does with it, and what must never be lost.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class DriveMountTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Trees_copied_by_cp_rsync_and_tar_come_back_byte_exact_with_modes_and_times_on_a_new_machine_and_a_git_clone_works_in_the_drive()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(7);
        var source = Path.Combine(net.WorkFolder, "source");
        TestFiles.WriteTree(source, 60, 200 << 10, new Random(Random.Shared.Next()));
        TestFiles.WriteRandom(Path.Combine(source, "large", "video.bin"), (12L << 20) + 321);
        var first = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).First();
        File.SetUnixFileMode(first, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.SetLastWriteTimeUtc(first, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        var repository = Path.Combine(net.WorkFolder, "repository");
        await MountedDrive.ShellOkAsync($"git init -q '{repository}' && cp -r '{source}/.' '{repository}/' && cd '{repository}' && " +
            "git add -A && git -c user.name=t -c user.email=t@t commit -qm first");

        var mountPoint = Path.Combine(net.WorkFolder, "drive");
        SortedDictionary<string, (string Hash, UnixFileMode Mode, long Modified)> copied;
        await using (var drive = await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            await MountedDrive.ShellOkAsync($"cp -r '{source}' '{mountPoint}/cp'");
            await MountedDrive.ShellOkAsync($"rsync -a '{source}/' '{mountPoint}/rsync/'");
            await MountedDrive.ShellOkAsync($"mkdir '{mountPoint}/tar' && tar -C '{source}' -cf - . | tar -C '{mountPoint}/tar' -xf -");
            await MountedDrive.ShellOkAsync($"git clone -q '{repository}' '{mountPoint}/clone'");
            output.WriteLine($"copied in by cp, rsync, tar and git clone: {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(MountedDrive.Snapshot(source), MountedDrive.Snapshot(Path.Combine(mountPoint, "rsync")));
            Assert.Equal(MountedDrive.Snapshot(source), MountedDrive.Snapshot(Path.Combine(mountPoint, "tar")));
            var (cloned, cloneStatus) = await MountedDrive.ShellAsync($"cd '{mountPoint}/clone' && git status --porcelain && git fsck --no-progress");
            Assert.True(cloned == 0 && cloneStatus.Trim().Length == 0, $"git in the clone inside the drive: {cloneStatus}");
            copied = MountedDrive.Snapshot(mountPoint);

            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
            Assert.False(MountedDrive.IsMounted(mountPoint), "the drive is still mounted after bitdust mount --unmount");
            output.WriteLine($"unmounted after the flush: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        // A new machine: only the network and the identity backup; its drive cache is empty.
        var fresh = await net.MoveCustomerAsync("new-machine");
        var again = Path.Combine(net.WorkFolder, "drive-again");
        await using (await MountedDrive.MountAsync(fresh, again))
        {
            var restored = new SortedDictionary<string, (string Hash, UnixFileMode Mode, long Modified)>(MountedDrive.Snapshot(again)
                .Where(p => p.Key != LocalnetFixture.MoveMarker).ToDictionary(p => p.Key, p => p.Value), StringComparer.Ordinal);
            var differences = copied.Where(p => !restored.TryGetValue(p.Key, out var r) || r != p.Value)
                .Select(p => $"{p.Key}: {p.Value} then {(restored.TryGetValue(p.Key, out var r) ? r.ToString() : "missing")}")
                .Concat(restored.Keys.Where(k => !copied.ContainsKey(k)).Select(k => $"{k} appeared")).Take(8);
            Assert.True(restored.Count == copied.Count && !differences.Any(),
                $"{copied.Count} files copied, {restored.Count} restored; {string.Join("; ", differences)}");
            output.WriteLine($"{copied.Count} files byte-exact with their modes and times on the new machine: {clock.Elapsed.TotalSeconds:0.0} s");
            await fresh.RunOkAsync("mount", "--unmount", again, "--force");
        }
    }

    [Fact]
    public async Task A_node_killed_in_the_middle_of_a_copy_keeps_every_file_closed_before_the_kill()
    {
        await using var net = await LocalnetFixture.StartAsync(7);
        var mountPoint = Path.Combine(net.WorkFolder, "drive");
        var closed = new Dictionary<string, string>(StringComparer.Ordinal);
        var dead = await MountedDrive.MountAsync(net.Customer, mountPoint);
        await using (dead.KeepOnDispose())
        {
            for (var i = 0; i < 20; i++)
            {
                var path = Path.Combine(mountPoint, $"closed-{i}.bin");
                TestFiles.WriteRandom(path, (1 << 20) + i);
                closed[path] = TestFiles.Sha256(path);
            }
            var large = Path.Combine(net.WorkFolder, "large.bin");
            TestFiles.WriteRandom(large, 300L << 20);
            var copy = MountedDrive.ShellAsync($"cp '{large}' '{mountPoint}/in-flight.bin'");
            await Task.Delay(300);
            await net.KillAsync(net.Customer.Home);
            await copy;
            Assert.True(MountedDrive.IsMounted(mountPoint), "a killed node leaves its mount behind, dead");
        }
        // bitdust mount finds the dead mount, detaches it, starts the node and mounts again.
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            foreach (var (path, hash) in closed)
            {
                Assert.True(File.Exists(path) && TestFiles.Sha256(path) == hash, $"{Path.GetFileName(path)}, closed before the kill, " +
                    (File.Exists(path) ? "holds other bytes" : "is gone") + $"\n{LocalnetFixture.LogTail(net.Customer.Home, 150)}");
            }
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
        }
    }

    [Fact]
    public async Task Errors_through_the_mount_are_those_a_local_disk_gives()
    {
        await using var net = await LocalnetFixture.StartAsync(4, ("services/customer/needed-space", "16 MB"));
        var mountPoint = Path.Combine(net.WorkFolder, "drive");
        await using var drive = await MountedDrive.MountAsync(net.Customer, mountPoint);
        await MountedDrive.ShellOkAsync($"mkdir '{mountPoint}/d' && echo hi > '{mountPoint}/d/f'");
        await Expect($"cat '{mountPoint}/missing'", "No such file or directory");
        await Expect($"mkdir '{mountPoint}/d'", "File exists");
        await Expect($"rmdir '{mountPoint}/d'", "Directory not empty");
        await Expect($"echo x > '{mountPoint}/d'", "Is a directory");
        await Expect($"dd if=/dev/zero of='{mountPoint}/too-big' bs=1M count=32", "No space left on device");
        var (_, df) = await MountedDrive.ShellAsync($"df -B1 --output=size '{mountPoint}' | tail -1");
        Assert.Equal(16L << 20, long.Parse(df.Trim(), System.Globalization.CultureInfo.InvariantCulture));
        await MountedDrive.ShellOkAsync($"rm '{mountPoint}/too-big' '{mountPoint}/d/f' && rmdir '{mountPoint}/d'");
    }

    private static async Task Expect(string command, string error)
    {
        var (exit, printed) = await MountedDrive.ShellAsync(command);
        Assert.True(exit != 0 && printed.Contains(error, StringComparison.Ordinal), $"`{command}` exited {exit}: {printed}");
    }
}
