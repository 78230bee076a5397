using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.PowerCut;

/// <summary>
/// Power cuts during uploads. A customer whose home is on <see cref="PowerCutFileSystem"/> is killed at a crash point of an
/// upload, the power is cut (what it did not sync is lost), and it starts again. Whatever the point: the upload resumes and
/// ends with the file's bytes in the network, whole (as they were when read, or as they are now), and no supplier ever
/// receives two different fragments under one key — the proof that no data key and nonce sealed two different
/// blocks. Half the cuts also change the local file to other
/// bytes of the same size and time while the node is down (cp -p, rsync -t), which only a resume that checks the bytes catches.
/// </summary>
[Collection(LocalnetCollection.Name)]
public sealed class UploadPowerCutTests(ITestOutputHelper output)
{
    private const int BlockSize = 64 << 10;

    [Fact]
    public async Task After_a_power_cut_at_any_step_an_upload_resumes_to_the_files_current_bytes_and_no_key_seals_two_blocks()
    {
        await using var disk = await PowerCutFileSystem.MountAsync();
        await using var net = await LocalnetFixture.StartAsync(4);
        var owner = await PowerCutNode.StartOwnerAsync(net, disk);
        var cuts = PowerCutNode.Cuts<(string Point, int Pass, bool Change)>(
        [
            ("block-saved", 1, false), ("block-saved", 3, true), ("fragment-stored", 1, true), ("fragment-stored", 6, false),
            ("fragment-stored", 13, true), ("manifest-kept", 1, false), ("manifest-kept", 1, true), ("version-complete", 1, false),
        ], 1, 2, 4, 6, 7);
        var random = new Random(Random.Shared.Next());
        for (var i = 0; i < cuts.Length; i++)
        {
            var (point, pass, change) = cuts[i];
            var local = Path.Combine(net.WorkFolder, $"file-{i}.bin");
            var remote = $"cuts/file-{i}.bin";
            await WriteAsync(local, 5 * BlockSize + random.Next(1, BlockSize), random);
            var original = TestFiles.Sha256(local);

            await PowerCutNode.RestartAsync(net, owner, $"{point}:{pass}");
            await owner.RunAsync("file", "upload", local, remote, "--no-wait");
            await LocalnetFixture.WaitGoneAsync(owner.DaemonPid() ?? 0, LocalnetFixture.TransferTimeout);
            var lost = await disk.CutAsync();
            if (change)
                await ChangeKeepingSizeAndTimeAsync(local, random);
            var before = PowerCutNode.Fragments(net);

            await PowerCutNode.RestartAsync(net, owner, crashAt: null);
            await net.WaitUploadsCompleteAsync(owner);
            var after = PowerCutNode.Fragments(net);
            var rewritten = PowerCutNode.Rewritten(before, after);
            Assert.True(rewritten.Count == 0, $"cut {i} at {point}:{pass}: {rewritten.Count} fragment keys were put again with other " +
                $"bytes: a data key and nonce sealed two different blocks\n{LocalnetFixture.LogTail(owner.Home)}");
            var download = Path.Combine(net.WorkFolder, $"download-{i}.bin");
            await LocalnetFixture.FileOkAsync(owner, "download", remote, download);
            // A version readable before the cut holds the bytes read then; one that was not goes up again with the bytes of now.
            Assert.True(TestFiles.Sha256(download) == TestFiles.Sha256(local) || TestFiles.Sha256(download) == original,
                $"cut {i} at {point}:{pass} (changed: {change}): the network holds neither the file's bytes then nor now");
            output.WriteLine($"cut {i} at {point}:{pass}, file changed: {change}: {lost} files lost unsynced bytes; " +
                $"{after.Count - before.Count} fragments stored after the restart, none put again with other bytes, downloaded intact");
        }
    }

    private static async Task WriteAsync(string path, int size, Random random)
    {
        var bytes = new byte[size];
        random.NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);
    }

    /// <summary>Other bytes, the same size and modification time: what cp -p or rsync -t leaves.</summary>
    private static async Task ChangeKeepingSizeAndTimeAsync(string path, Random random)
    {
        var modified = File.GetLastWriteTimeUtc(path);
        await WriteAsync(path, (int)new FileInfo(path).Length, random);
        File.SetLastWriteTimeUtc(path, modified);
    }
}
