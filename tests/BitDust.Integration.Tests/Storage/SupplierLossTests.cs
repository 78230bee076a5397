using System.Diagnostics;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Storage;

/// <summary>A 4+3 family over real daemons: any 3 suppliers may die; a 4th makes a download a clear error, never wrong bytes.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class SupplierLossTests(ITestOutputHelper output)
{
    private const long BigSize = 96L << 20;

    [Fact]
    public async Task With_3_of_7_suppliers_killed_every_file_downloads_byte_exact_and_a_4th_makes_the_download_fail_naming_them()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(7);
        output.WriteLine($"localnet of 7 up, customer READY: {clock.Elapsed.TotalSeconds:0.0} s");
        var originals = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "originals")).FullName;
        var big = Path.Combine(originals, "big.bin");
        TestFiles.WriteRandom(big, BigSize);
        var tree = Path.Combine(originals, "tree");
        var seed = Random.Shared.Next();
        TestFiles.WriteTree(tree, 500, 8 << 10, new Random(seed));
        var bigHash = TestFiles.Sha256(big);
        var treeHashes = TestFiles.HashTree(tree);
        output.WriteLine($"96 MiB and 500 small files (seed {seed}) written: {clock.Elapsed.TotalSeconds:0.0} s");

        await net.FileOkAsync("upload", big, "big.bin");
        await net.FileOkAsync("upload", tree, "tree");
        await net.WaitUploadsCompleteAsync();
        output.WriteLine($"uploaded, all 7 fragments of every block stored: {clock.Elapsed.TotalSeconds:0.0} s");

        var doomed = net.Suppliers.OrderBy(_ => Random.Shared.Next()).Take(4).ToList();
        foreach (var supplier in doomed.Take(3))
            await net.KillAsync(supplier);
        output.WriteLine($"killed {string.Join(", ", doomed.Take(3).Select(s => s.Name))}: {clock.Elapsed.TotalSeconds:0.0} s");

        var downloads = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "downloads")).FullName;
        await net.FileOkAsync("download", "big.bin", Path.Combine(downloads, "big.bin"));
        await net.FileOkAsync("download", "tree", Path.Combine(downloads, "tree"));
        Assert.Equal(bigHash, TestFiles.Sha256(Path.Combine(downloads, "big.bin")));
        Assert.Equal(treeHashes, TestFiles.HashTree(Path.Combine(downloads, "tree")));
        output.WriteLine($"downloaded byte-exact from the 4 left: {clock.Elapsed.TotalSeconds:0.0} s");

        await net.KillAsync(doomed[3]);
        var target = Path.Combine(downloads, "big-again.bin");
        var (code, stdout, stderr) = await net.FileAsync("download", "big.bin", target);
        output.WriteLine($"with a 4th killed ({doomed[3].Name}), download exited {code}: {stderr}");
        Assert.True(code == 1, $"download exited {code}: {stdout}{stderr}");
        Assert.Matches("[Bb]lock [0-9]+ ", stderr);
        Assert.All(doomed, s => Assert.Contains(s.Name, stderr, StringComparison.Ordinal));
        Assert.False(File.Exists(target), "the failed download left its file");
        Assert.False(File.Exists(target + ".bitdust-partial"), "the failed download left its partial file");
        Assert.Equal(["big.bin", "tree"], Directory.GetFileSystemEntries(downloads).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }
}
