namespace BitDust.Integration.Tests.Storage;

/// <summary>A localnet of 4 suppliers for the stub verbs.</summary>
public sealed class FourSupplierLocalnet() : LocalnetFixture(4);

/// <summary><c>bitdust stub</c> and <c>bitdust materialize</c> through the real CLI and daemon, and the daemon's stubs folder.</summary>
[Collection(LocalnetCollection.Name)]
public sealed class StubCommandsTests(FourSupplierLocalnet net) : IClassFixture<FourSupplierLocalnet>
{
    [Fact]
    public async Task Stub_then_materialize_gives_the_file_back_byte_exact_and_the_node_keeps_a_stub_of_it()
    {
        await net.WaitCustomerReadyAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var local = Path.Combine(net.WorkFolder, $"photo-{tag}.bin");
        TestFiles.WriteRandom(local, (3 << 20) + 17);
        var hash = TestFiles.Sha256(local);
        var remote = $"stubbed-{tag}/photo.bin";

        var (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "stub", local, remote);

        Assert.True(code == 0, $"bitdust stub exited {code}: {output}{error}\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        Assert.Contains($"{local} -> {local}.f", output, StringComparison.Ordinal);
        Assert.False(File.Exists(local), "the file is still there after it was replaced by its stub");
        Assert.True(new FileInfo(local + ".f").Length < 64 << 10);

        (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "materialize", local + ".f");
        Assert.True(code == 0, $"bitdust materialize exited {code}: {output}{error}\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        Assert.Equal(hash, TestFiles.Sha256(local));

        // The stubs service writes one of its own for every file of the catalog; it materializes too.
        var mirrored = Path.Combine(net.Customer.Home, "stubs", $"stubbed-{tag}", "photo.bin.f");
        await LocalnetFixture.PollAsync(() => Task.FromResult(File.Exists(mirrored) ? "" : null), LocalnetFixture.TransferTimeout,
            () => $"no stub at {mirrored}\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        var copy = Path.Combine(net.WorkFolder, $"copy-{tag}.bin");
        (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "materialize", mirrored, "--to", copy);
        Assert.True(code == 0, $"bitdust materialize exited {code}: {output}{error}");
        Assert.Equal(hash, TestFiles.Sha256(copy));
    }

    [Fact]
    public async Task A_damaged_stub_fails_with_the_reason_and_writes_nothing()
    {
        await net.WaitCustomerReadyAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var local = Path.Combine(net.WorkFolder, $"doc-{tag}.bin");
        TestFiles.WriteRandom(local, 100_000);
        var (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "stub", local, $"damaged-{tag}.bin");
        Assert.True(code == 0, $"bitdust stub exited {code}: {output}{error}");
        var stub = await File.ReadAllBytesAsync(local + ".f");
        stub[stub.Length / 2] ^= 0x01;
        await File.WriteAllBytesAsync(local + ".f", stub);

        (code, output, error) = await net.Customer.RunAsync("materialize", local + ".f", "--json");

        Assert.NotEqual(0, code);
        Assert.Contains($"{local}.f is not a usable stub: ", error + output, StringComparison.Ordinal);
        Assert.False(File.Exists(local));
        Assert.Equal([local + ".f"], Directory.GetFiles(net.WorkFolder, $"doc-{tag}.bin*"));
    }

    [Fact]
    public async Task A_stubbed_version_is_named_by_its_whole_path_and_never_let_go_while_its_stub_exists()
    {
        await net.WaitCustomerReadyAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var folder = Directory.CreateDirectory(Path.Combine(net.WorkFolder, $"pinned-{tag}")).FullName;
        var local = Path.Combine(folder, "notes.txt");
        TestFiles.WriteRandom(local, 200_000);
        var hash = TestFiles.Sha256(local);
        var (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "stub", local);
        Assert.True(code == 0, $"bitdust stub exited {code}: {output}{error}");
        var remote = local.TrimStart('/');

        // Other files of that name elsewhere are other files; new versions of the stubbed one, with max-copies at 2, would let
        // the stubbed version go, but its stub pins it.
        var elsewhere = Path.Combine(net.WorkFolder, $"other-{tag}", "notes.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        for (var i = 0; i < 3; i++)
        {
            TestFiles.WriteRandom(elsewhere, 10_000 + i);
            await net.FileOkAsync("upload", elsewhere);
            await net.FileOkAsync("upload", elsewhere, remote);
        }
        await net.WaitUploadsCompleteAsync();

        var info = LocalnetFixture.Result(await net.Customer.ApiAsync(HttpMethod.Get,
            "/file/info/v1?remote_path=" + Uri.EscapeDataString(remote)));
        Assert.Contains(1L, info["versions"]!.AsArray().Select(v => v!["version"]!.GetValue<long>()));
        (code, output, error) = await net.Customer.RunAsync(LocalnetFixture.TransferTimeout, "materialize", local + ".f");
        Assert.True(code == 0, $"bitdust materialize exited {code}: {output}{error}\n{LocalnetFixture.LogTail(net.Customer.Home)}");
        Assert.Equal(hash, TestFiles.Sha256(local));
    }
}
