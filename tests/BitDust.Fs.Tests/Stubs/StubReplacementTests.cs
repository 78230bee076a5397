using BitDust.Engine.Storage;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Stubs;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Tests.Storage.Customer;

namespace BitDust.Fs.Tests.Stubs;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class StubReplacementTests(StubCustomer customer) : IClassFixture<StubCustomer>
{
    private CustomerHarness Harness => customer.Harness;

    [Fact]
    public async Task A_file_is_replaced_by_its_stub_once_durable_and_the_stub_brings_it_back_with_its_mode_and_time()
    {
        var content = CustomerHarness.RandomBytes(2 * CustomerHarness.BlockSize + 9);
        var local = Path.Combine(customer.NewFolder("stub"), "report.bin");
        await File.WriteAllBytesAsync(local, content);
        File.SetUnixFileMode(local, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        var modified = new DateTime(2022, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(local, modified);
        var remote = $"stubbed-{Guid.NewGuid():N}/report.bin";

        var (upload, replacement) = Harness.Storage.StartStub(local, remote);
        await replacement.WhenFinished.WaitAsync(CustomerHarness.StepTimeout);

        Assert.True(replacement.State == StubReplacementState.Replaced, replacement.Error);
        Assert.Same(replacement, Harness.Storage.FindStubReplacement(upload.Id));
        Assert.True(upload.State is TransferState.Durable or TransferState.Complete);
        Assert.False(File.Exists(local));
        Assert.Equal(local + Stub.Extension, replacement.StubPath);
        var stub = Stub.Read(await File.ReadAllBytesAsync(replacement.StubPath), Harness.Storage.OwnerKey);
        Assert.Equal(remote, stub.Name);
        Assert.Equal(modified, File.GetLastWriteTimeUtc(replacement.StubPath));

        var back = Harness.Storage.StartMaterialize(replacement.StubPath, null);
        await back.WhenFinished.WaitAsync(CustomerHarness.StepTimeout);
        Assert.True(back.State == TransferState.Complete, back.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(local));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead, File.GetUnixFileMode(local));
        Assert.Equal(modified, File.GetLastWriteTimeUtc(local));
    }

    [Fact]
    public async Task Stubs_files_ending_in_f_folders_and_files_whose_stub_exists_are_refused_and_left_alone()
    {
        var folder = customer.NewFolder("refused");
        var stubLike = Path.Combine(folder, "renamed-stub");
        await File.WriteAllBytesAsync(stubLike, [.. Stub.Magic, 1, 2, 3]);
        var dotF = Path.Combine(folder, "notes.f");
        await File.WriteAllTextAsync(dotF, "not a stub, but named like one");
        var taken = Path.Combine(folder, "taken.txt");
        await File.WriteAllTextAsync(taken, "data");
        await File.WriteAllTextAsync(taken + Stub.Extension, "someone's file");

        Assert.Contains("is a stub already", Assert.Throws<ArgumentException>(() => Harness.Storage.StartStub(stubLike, null)).Message,
            StringComparison.Ordinal);
        Assert.Contains("ends in .f", Assert.Throws<ArgumentException>(() => Harness.Storage.StartStub(dotF, null)).Message,
            StringComparison.Ordinal);
        Assert.Contains("is a folder", Assert.Throws<ArgumentException>(() => Harness.Storage.StartStub(folder, null)).Message,
            StringComparison.Ordinal);
        Assert.Contains($"{taken}.f already exists",
            Assert.Throws<InvalidOperationException>(() => Harness.Storage.StartStub(taken, null)).Message, StringComparison.Ordinal);

        Assert.Equal(4, Directory.GetFiles(folder).Length);
        Assert.Equal("someone's file", await File.ReadAllTextAsync(taken + Stub.Extension));
    }
}
