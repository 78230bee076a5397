using BitDust.Engine.Crypto;
using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Tests.Storage.Customer;
using FsCheck;
using FsCheck.Fluent;

namespace BitDust.Fs.Tests.Stubs;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MaterializeTests(StubCustomer customer) : IClassFixture<StubCustomer>
{
    private CustomerHarness Harness => customer.Harness;

    [Fact]
    public async Task A_stub_alone_gives_back_the_file_byte_exact_with_its_mode_and_time()
    {
        var content = CustomerHarness.RandomBytes(5 * CustomerHarness.BlockSize + 123);
        var (stubPath, remote) = await StubOfNewFileAsync(content);
        var modified = new DateTimeOffset(2023, 5, 6, 7, 8, 9, TimeSpan.Zero);
        Harness.Catalog.SetTreeEntry(new TreeEntry(remote, TreeEntryKind.File, 0b110_000_000, modified, 0, 0, null));
        await File.WriteAllBytesAsync(stubPath, Harness.Storage.CreateStub(remote, Latest(remote)));

        var transfer = Harness.Storage.StartMaterialize(stubPath, null);
        await transfer.WhenFinished.WaitAsync(CustomerHarness.StepTimeout);

        Assert.True(transfer.State == TransferState.Complete, transfer.Error);
        var original = stubPath[..^Stub.Extension.Length];
        Assert.Equal(original, transfer.LocalPath);
        Assert.Equal(content, await File.ReadAllBytesAsync(original));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(original));
        Assert.Equal(modified.UtcDateTime, File.GetLastWriteTimeUtc(original));
        Assert.Equal(TransferKind.Download, transfer.Kind);
        Assert.Equal(remote, transfer.RemotePath);
        Assert.True(File.Exists(stubPath), "materializing keeps the stub");
    }

    [Fact]
    public async Task Materialize_writes_into_a_given_folder_and_never_overwrites_an_existing_file()
    {
        var content = CustomerHarness.RandomBytes(777);
        var (stubPath, remote) = await StubOfNewFileAsync(content);
        var folder = customer.NewFolder("to");

        var transfer = Harness.Storage.StartMaterialize(stubPath, folder);
        await transfer.WhenFinished.WaitAsync(CustomerHarness.StepTimeout);
        Assert.True(transfer.State == TransferState.Complete, transfer.Error);
        var written = Path.Combine(folder, remote.Split('/')[^1]);
        Assert.Equal(content, await File.ReadAllBytesAsync(written));

        var error = Assert.Throws<InvalidOperationException>(() => Harness.Storage.StartMaterialize(stubPath, written)).Message;
        Assert.Contains($"{written} already exists", error, StringComparison.Ordinal);
        Assert.Equal(content, await File.ReadAllBytesAsync(written));
    }

    [Fact]
    public async Task A_stub_of_a_deleted_version_says_so_and_writes_nothing()
    {
        var (stubPath, remote) = await StubOfNewFileAsync(CustomerHarness.RandomBytes(4000));
        await Harness.Storage.DeleteAsync(remote, CancellationToken.None).WaitAsync(CustomerHarness.StepTimeout);

        var error = Assert.Throws<InvalidOperationException>(() => Harness.Storage.StartMaterialize(stubPath, null)).Message;

        Assert.Contains($"{stubPath} points at version 1 of {remote}, which was deleted", error, StringComparison.Ordinal);
        AssertNothingWrittenBeside(stubPath);
    }

    [Fact]
    public async Task Flipped_and_truncated_stubs_are_refused_naming_the_stub_and_what_is_wrong()
    {
        var (stubPath, _) = await StubOfNewFileAsync(CustomerHarness.RandomBytes(3000));
        var valid = await File.ReadAllBytesAsync(stubPath);

        var flipped = (byte[])valid.Clone();
        flipped[valid.Length / 2] ^= 0x10;
        await File.WriteAllBytesAsync(stubPath, flipped);
        var flippedError = Assert.Throws<ArgumentException>(() => Harness.Storage.StartMaterialize(stubPath, null)).Message;
        Assert.StartsWith($"{stubPath} is not a usable stub: ", flippedError, StringComparison.Ordinal);

        await File.WriteAllBytesAsync(stubPath, valid[..(valid.Length - 10)]);
        var truncatedError = Assert.Throws<ArgumentException>(() => Harness.Storage.StartMaterialize(stubPath, null)).Message;
        Assert.Contains("truncated", truncatedError, StringComparison.Ordinal);
        AssertNothingWrittenBeside(stubPath);
    }

    [Fact]
    public async Task Another_identitys_stub_is_refused_as_foreign()
    {
        var (stubPath, remote) = await StubOfNewFileAsync(CustomerHarness.RandomBytes(3000));
        var manifest = Manifest.Read(Latest(remote).Manifest!, Harness.Storage.OwnerKey);
        using var stranger = IdentityKey.Generate();
        await File.WriteAllBytesAsync(stubPath, Stub.Create(remote, 0x1A4, DateTimeOffset.UtcNow, manifest, stranger));

        var error = Assert.Throws<ArgumentException>(() => Harness.Storage.StartMaterialize(stubPath, null)).Message;

        Assert.Contains("belongs to another identity", error, StringComparison.Ordinal);
        Assert.Contains(stubPath, error, StringComparison.Ordinal);
        AssertNothingWrittenBeside(stubPath);
    }

    [Fact]
    public async Task Random_and_mutated_stub_bytes_only_ever_give_a_clear_refusal()
    {
        var (stubPath, _) = await StubOfNewFileAsync(CustomerHarness.RandomBytes(2000));
        var valid = await File.ReadAllBytesAsync(stubPath);
        var mutated = Gen.OneOf(
            ArbMap.Default.GeneratorFor<byte[]>(),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => Stub.Magic.ToArray().Concat(tail).ToArray()),
            Gen.Choose(0, valid.Length - 1).Select(length => valid[..length]),
            Gen.Choose(0, valid.Length * 8 - 1).Select(bit =>
            {
                var flipped = (byte[])valid.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                return flipped;
            }),
            ArbMap.Default.GeneratorFor<byte[]>().Select(tail => valid.Concat(tail).Append((byte)0).ToArray()));

        Prop.ForAll(mutated.ToArbitrary(), bytes =>
        {
            File.WriteAllBytes(stubPath, bytes);
            try
            {
                Harness.Storage.StartMaterialize(stubPath, null);
                return false;
            }
            catch (ArgumentException e)
            {
                return e.Message.StartsWith($"{stubPath} is not a usable stub: ", StringComparison.Ordinal);
            }
        }).Check(Config.QuickThrowOnFailure.WithMaxTest(300));
        AssertNothingWrittenBeside(stubPath);
    }

    /// <summary>Uploads <paramref name="content"/> under a fresh remote path and writes its stub to a fresh folder.</summary>
    private async Task<(string StubPath, string RemotePath)> StubOfNewFileAsync(byte[] content)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var remote = $"materialize-{tag}/file.bin";
        await Harness.UploadAsync(Harness.LocalFile($"m-{tag}.bin", content), remote);
        var stubPath = Path.Combine(customer.NewFolder("stub"), "file.bin" + Stub.Extension);
        await File.WriteAllBytesAsync(stubPath, Harness.Storage.CreateStub(remote, Latest(remote)));
        return (stubPath, remote);
    }

    private CatalogVersion Latest(string remote) => Harness.Catalog.LatestReadable(Harness.Catalog.FindFile(remote)!.FileId)!;

    private static void AssertNothingWrittenBeside(string stubPath) =>
        Assert.Equal([Path.GetFileName(stubPath)], Directory.GetFileSystemEntries(Path.GetDirectoryName(stubPath)!).Select(Path.GetFileName));
}
