using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json.Nodes;
using BitDust.Integration.Tests.Storage;
using Xunit.Abstractions;

namespace BitDust.Integration.Tests.Drive;

/// <summary>Names in any script, up to Linux's 255 bytes, through the mounted drive, a folder rename, a restore and a download.</summary>
[Collection(LocalnetCollection.Name)]
public sealed partial class UnicodeNameTests(ITestOutputHelper output)
{
    private const int Eilseq = 84;

    /// <summary>
    /// Emoji (surrogate pairs, a ZWJ sequence), "café" in NFC and in NFD (two names, as on ext4), stacked combining marks, CJK, a
    /// letter above the surrogates, and names of exactly 255 bytes of UTF-8.
    /// </summary>
    private static readonly string[] Names =
    [
        "caf\u00e9", "cafe\u0301", "日本語.txt", "a\u0301\u0302 marks", "👩‍👩‍👧 family", "\ufb01le", "plain.txt",
        string.Concat(Enumerable.Repeat("😀", 63)) + "aaa", new string('日', 85),
    ];

    [Fact]
    public async Task A_tree_of_unicode_names_keeps_every_name_byte_exact_through_a_folder_rename_a_restore_and_a_download()
    {
        var clock = Stopwatch.StartNew();
        await using var net = await LocalnetFixture.StartAsync(4);
        // "a😀" is renamed; "a", "a-" and "a0" share its first byte and sort around it, and must stay as they are.
        var source = Path.Combine(net.WorkFolder, "source");
        foreach (var name in Names)
        {
            TestFiles.WriteRandom(Path.Combine(source, "a😀", name), 1000 + name.Length);
            TestFiles.WriteRandom(Path.Combine(source, "a😀", "日本 \u00e9", name), 2000 + name.Length);
            TestFiles.WriteRandom(Path.Combine(source, "a😀", "日本 e\u0301", name), 3000 + name.Length);
        }
        foreach (var sibling in new[] { "a", "a-", "a0" })
            TestFiles.WriteRandom(Path.Combine(source, sibling, "keep.txt"), 100);
        var renamed = MountedDrive.Snapshot(Path.Combine(source, "a😀"));

        var mountPoint = Path.Combine(net.WorkFolder, "drive");
        await using (await MountedDrive.MountAsync(net.Customer, mountPoint))
        {
            await MountedDrive.ShellOkAsync($"cp -a '{source}/.' '{mountPoint}/'");
            Directory.Move(Path.Combine(mountPoint, "a😀"), Path.Combine(mountPoint, "b 😀"));
            var tooLong = Path.Combine(mountPoint, "b 😀", Names[^1] + "!");
            Assert.Throws<PathTooLongException>(() => File.WriteAllBytes(tooLong, [1]));
            // Latin-1 "café" is no UTF-8: refused, rather than stored as other bytes (U+FFFD) that the next such name would share.
            Assert.Equal(-1, MakeDirectory([.. Encoding.UTF8.GetBytes(Path.Combine(mountPoint, "caf")), 0xE9, 0], 0x1ED));
            Assert.Equal(Eilseq, Marshal.GetLastPInvokeError());

            Assert.Equal(["a", "a-", "a0", "b 😀"], Directory.EnumerateFileSystemEntries(mountPoint).Select(Path.GetFileName)
                .Order(StringComparer.Ordinal));
            Assert.Equal(renamed, MountedDrive.Snapshot(Path.Combine(mountPoint, "b 😀")));
            await net.Customer.RunOkAsync("mount", "--unmount", mountPoint);
            output.WriteLine($"copied, renamed and durable: {clock.Elapsed.TotalSeconds:0.0} s");
        }
        var expected = TestFiles.HashTree(source).Keys
            .Select(p => p.StartsWith("a😀/", StringComparison.Ordinal) ? "b 😀" + p["a😀".Length..] : p)
            .Append("marker.txt").Order(StringComparer.Ordinal).ToList();
        // One more change after the flush, not through the drive.
        var marker = Path.Combine(net.WorkFolder, "marker.txt");
        await File.WriteAllTextAsync(marker, "after the unmount\n");
        await net.FileOkAsync("upload", marker, "marker.txt");
        await net.WaitCatalogBackedUpAsync();
        Assert.Equal(expected, await ListAsync(net.Customer));
        var backup = Path.Combine(net.WorkFolder, "alice.backup");
        var passphrase = Path.Combine(net.WorkFolder, "passphrase");
        await File.WriteAllTextAsync(passphrase, "correct horse battery staple");
        await net.Customer.RunOkAsync("identity", "backup", backup, "--passphrase-file", passphrase);
        await net.Customer.RunOkAsync("stop");

        var fresh = await net.AddNodeAsync("fresh-home", [("services/customer/enabled", "true"),
            ("services/customer/suppliers-number", "4")], createIdentity: false);
        await fresh.RunOkAsync("identity", "recover", backup, "--passphrase-file", passphrase);
        await net.WaitCustomerReadyAsync(fresh);
        Assert.Equal(expected, await ListAsync(fresh));
        var downloads = Directory.CreateDirectory(Path.Combine(net.WorkFolder, "downloads")).FullName;
        await LocalnetFixture.FileOkAsync(fresh, "download", "b 😀", Path.Combine(downloads, "b 😀"));
        Assert.Equal(TestFiles.HashTree(Path.Combine(source, "a😀")), TestFiles.HashTree(Path.Combine(downloads, "b 😀")));
        output.WriteLine($"listed and downloaded byte-exact on a fresh home: {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    private static partial int MakeDirectory(byte[] path, uint mode);

    /// <summary>Every remote path <c>bitdust file list --json</c> shows, sorted.</summary>
    private static async Task<List<string>> ListAsync(BitDustCli customer) =>
        [.. JsonNode.Parse(await LocalnetFixture.FileOkAsync(customer, "list", "--json"))!.AsArray()
            .Select(f => f!["remote_path"]!.GetValue<string>()).Order(StringComparer.Ordinal)];
}
