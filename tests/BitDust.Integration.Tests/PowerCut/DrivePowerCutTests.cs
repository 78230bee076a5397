using BitDust.Integration.Tests.Drive;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;
using CrashPoint = BitDust.Engine.Storage.CrashPoint;

namespace BitDust.Integration.Tests.PowerCut;

/// <summary>
/// Power cuts under the drive. The node serving the drive has its home (catalog, cache) on <see cref="PowerCutFileSystem"/>;
/// files are written into the drive, some synced with fsync, one an overwrite; the node is killed at a crash point of closing,
/// batching or uploading, the power is cut, and the node and drive start again. As on a local disk: every file whose fsync
/// succeeded is there with its bytes; a file never synced is there whole or not at all, an overwritten one holds its old or its
/// new bytes, never a mix; and no supplier ever receives two different fragments under one key.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class DrivePowerCutTests(ITestOutputHelper output)
{
    [Fact]
    public async Task After_a_power_cut_at_any_step_every_synced_file_is_there_and_no_file_is_torn()
    {
        await using var disk = await PowerCutFileSystem.MountAsync();
        await using var net = await LocalnetFixture.StartAsync(4);
        var owner = await PowerCutNode.StartOwnerAsync(net, disk);
        var mountPoint = Directory.CreateTempSubdirectory("bitdust-powercut-drive-").FullName;
        var sources = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "sources")).FullName;
        var cuts = PowerCutNode.Cuts<(string Point, int Pass)>(
        [
            (CrashPoint.CopyQueued, 1), (CrashPoint.CopyQueued, 4), (CrashPoint.BatchSynced, 1), (CrashPoint.BlockSaved, 2),
            (CrashPoint.FragmentStored, 7), (CrashPoint.ManifestKept, 2),
        ], 1, 2, 4, 5);
        var random = new Random(Random.Shared.Next());
        // What each path must hold after a cut: any of these hashes (null: absent).
        var allowed = new Dictionary<string, HashSet<string?>>(StringComparer.Ordinal);
        var seen = new List<Dictionary<string, string>>();
        try
        {
            for (var i = 0; i < cuts.Length; i++)
            {
                var (point, pass) = cuts[i];
                await StartAsync(net, owner, mountPoint, $"{point}:{pass}");
                var synced = new List<string>();
                var folder = Path.Combine(mountPoint, $"cut-{i}");
                Directory.CreateDirectory(folder);
                for (var f = 0; f < 6; f++)
                {
                    var name = $"cut-{i}/file-{f}.bin";
                    var source = Write(Path.Combine(sources, $"{i}-{f}"), random.Next(1, 3 * 65536), random);
                    var hash = TestFiles.Sha256(source);
                    allowed[name] = [null, hash];
                    // Every other file is synced: dd exits 0 only once fsync answered, that is once the file is durable.
                    var command = f % 2 == 0
                        ? $"dd if='{source}' of='{Path.Combine(mountPoint, name)}' bs=64k conv=fsync status=none"
                        : $"cp '{source}' '{Path.Combine(mountPoint, name)}'";
                    if ((await MountedDrive.ShellAsync(command)).ExitCode == 0 && f % 2 == 0)
                    {
                        synced.Add(name);
                        allowed[name] = [hash];
                    }
                }
                if (i > 0)
                {
                    // Overwritten without a sync: the old bytes or the new ones afterwards.
                    var name = $"cut-{i - 1}/file-1.bin";
                    var source = Write(Path.Combine(sources, $"{i}-again"), random.Next(1, 3 * 65536), random);
                    allowed[name].Add(TestFiles.Sha256(source));
                    await MountedDrive.ShellAsync($"cp '{source}' '{Path.Combine(mountPoint, name)}'");
                }
                await LocalnetFixture.WaitGoneAsync(owner.DaemonPid() ?? 0, LocalnetFixture.TransferTimeout);
                await MountedDrive.ShellAsync($"fusermount3 -u -z '{mountPoint}'");
                var lost = await disk.CutAsync();
                seen.Add(PowerCutNode.Fragments(net));

                await StartAsync(net, owner, mountPoint, crashAt: null);
                var found = 0;
                foreach (var (name, hashes) in allowed)
                {
                    var path = Path.Combine(mountPoint, name);
                    var hash = File.Exists(path) ? TestFiles.Sha256(path) : null;
                    Assert.True(hashes.Contains(hash), $"cut {i} at {point}:{pass}: {name} holds " +
                        (hash is null ? "nothing" : "bytes it never held") + $" (synced ones: {string.Join(", ", synced)})\n" +
                        LocalnetFixture.LogTail(owner.Home));
                    found += hash is null ? 0 : 1;
                    // From now on it holds what it holds; it may not lose it.
                    allowed[name] = [hash];
                }
                output.WriteLine($"cut {i} at {point}:{pass}: {synced.Count} files synced before it, {lost} files lost unsynced " +
                    $"bytes, {found} of {allowed.Count} files there afterwards, none torn");
            }
            await owner.RunOkAsync("mount", "--unmount", mountPoint);
            var final = PowerCutNode.Fragments(net);
            foreach (var (before, i) in seen.Select((b, i) => (b, i)))
            {
                var rewritten = PowerCutNode.Rewritten(before, final);
                Assert.True(rewritten.Count == 0, $"after cut {i}: {rewritten.Count} fragment keys were put again with other bytes: " +
                    $"{string.Join(", ", rewritten.Take(4))}\n{LocalnetFixture.LogTail(owner.Home, 80)}");
            }
            foreach (var (name, hashes) in allowed.Where(a => a.Value.Single() is not null))
            {
                var download = Path.Combine(net.WorkFolder, "downloads", name);
                Directory.CreateDirectory(Path.GetDirectoryName(download)!);
                await LocalnetFixture.FileOkAsync(owner, "download", name, download);
                Assert.Equal(hashes.Single(), TestFiles.Sha256(download));
            }
        }
        finally
        {
            await MountedDrive.ShellAsync($"fusermount3 -u -z '{mountPoint}'");
            Directory.Delete(mountPoint);
        }
    }

    /// <summary>(Re)starts the node, with <paramref name="crashAt"/> armed or not, and mounts its drive.</summary>
    private static async Task StartAsync(LocalnetFixture net, BitDustCli node, string mountPoint, string? crashAt)
    {
        await PowerCutNode.RestartAsync(net, node, crashAt);
        await node.RunOkAsync("mount", mountPoint);
    }

    private static string Write(string path, int size, Random random)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
