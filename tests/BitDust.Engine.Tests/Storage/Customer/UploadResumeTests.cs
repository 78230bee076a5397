using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Tests.Network.Transport;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer;

/// <summary>An upload stopped in the middle (the node killed) goes on where the catalog says it was.</summary>
public sealed class UploadResumeTests
{
    private const int Blocks = 25;
    private const int AnsweredPuts = 8;

    [Fact]
    public async Task A_stopped_upload_resumes_without_putting_again_any_fragment_the_catalog_says_is_stored()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var content = RandomBytes((Blocks - 1) * BlockSize + 99);
        var local = harness.LocalFile("big.bin", content);
        var first = await StopMidwayAsync(harness, local);

        var stored = StoredFragments(harness, out var file);
        Assert.InRange(stored, 1, Blocks * 7 - 1);
        foreach (var supplier in harness.Suppliers)
            supplier.ResetPuts();
        harness.Storage.ResumeJobs();
        var resumed = harness.Storage.Transfers.Find(first.Id)!;
        await resumed.WhenFinished.WaitAsync(StepTimeout);

        Assert.True(resumed.State == TransferState.Complete, resumed.Error);
        Assert.Equal(Blocks * 7 - stored, resumed.FragmentsSent);
        Assert.Equal(Blocks * 7 - stored, harness.Suppliers.Sum(s => s.Puts));
        Assert.Equal([file], harness.Catalog.Versions(file.FileId).Select(v => v.File));
        Assert.Equal(VersionState.Complete, harness.Catalog.FindVersion(file)!.State);
        var download = await harness.DownloadAsync("big.bin", harness.OutputPath("big.bin"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("big.bin")).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_file_changed_while_stopped_is_uploaded_as_a_new_version_and_the_unfinished_one_leaves_the_suppliers()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var local = harness.LocalFile("big.bin", RandomBytes((Blocks - 1) * BlockSize + 99));
        var first = await StopMidwayAsync(harness, local);
        StoredFragments(harness, out var unfinished);

        var changed = RandomBytes(3 * BlockSize);
        await File.WriteAllBytesAsync(local, changed).WaitAsync(StepTimeout);
        foreach (var supplier in harness.Suppliers)
            supplier.ResetPuts();
        harness.Storage.ResumeJobs();
        var resumed = harness.Storage.Transfers.Find(first.Id)!;
        await resumed.WhenFinished.WaitAsync(StepTimeout);

        Assert.True(resumed.State == TransferState.Complete, resumed.Error);
        var version = Assert.Single(harness.Catalog.Versions(unfinished.FileId));
        Assert.Equal(unfinished.Next(), version.File);
        Assert.Equal(3 * 7, harness.Suppliers.Sum(s => s.HeldFragments));
        var download = await harness.DownloadAsync("big.bin", harness.OutputPath("big.bin"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(changed, await File.ReadAllBytesAsync(harness.OutputPath("big.bin")).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_file_given_other_bytes_of_the_same_size_and_time_while_stopped_goes_up_as_a_new_version_under_a_new_key()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var local = harness.LocalFile("big.bin", RandomBytes((Blocks - 1) * BlockSize + 99));
        var first = await StopMidwayAsync(harness, local);
        StoredFragments(harness, out var unfinished);
        var sent = harness.Suppliers.SelectMany(s => s.FragmentHashes()).ToDictionary(f => f.Key, f => f.Value);

        // What cp -p or rsync -t leave: other bytes, the same size and modification time.
        var modified = File.GetLastWriteTimeUtc(local);
        var changed = RandomBytes((Blocks - 1) * BlockSize + 99);
        await File.WriteAllBytesAsync(local, changed).WaitAsync(StepTimeout);
        File.SetLastWriteTimeUtc(local, modified);
        foreach (var supplier in harness.Suppliers)
            supplier.ResetPuts();
        harness.Storage.ResumeJobs();
        var resumed = harness.Storage.Transfers.Find(first.Id)!;
        await resumed.WhenFinished.WaitAsync(StepTimeout);

        Assert.True(resumed.State == TransferState.Complete, resumed.Error);
        Assert.Equal(unfinished.Next(), Assert.Single(harness.Catalog.Versions(unfinished.FileId)).File);
        // No fragment key of the first version was put again with other bytes.
        Assert.All(harness.Suppliers.SelectMany(s => s.FragmentHashes()),
            f => Assert.True(!sent.TryGetValue(f.Key, out var before) || before.SequenceEqual(f.Value), $"{f.Key} was sealed twice"));
        var download = await harness.DownloadAsync("big.bin", harness.OutputPath("big.bin"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(changed, await File.ReadAllBytesAsync(harness.OutputPath("big.bin")).WaitAsync(StepTimeout));
    }

    /// <summary>
    /// Every supplier answers its first puts and holds the rest, so the upload stalls with blocks in flight; the customer is
    /// then stopped as a killed node would be, and started again on its catalog without resuming yet.
    /// </summary>
    private static async Task<Transfer> StopMidwayAsync(CustomerHarness harness, string local)
    {
        foreach (var supplier in harness.Suppliers)
            supplier.HoldPutsAfter(AnsweredPuts);
        var transfer = harness.Storage.StartUpload(local, "big.bin");
        await TransportFixture.WaitUntilAsync(() => harness.Suppliers.All(s => s.Puts > AnsweredPuts));
        await harness.StopCustomerAsync();
        Assert.Equal(TransferState.Running, transfer.State);
        harness.StartAgain();
        return transfer;
    }

    private static int StoredFragments(CustomerHarness harness, out FileVersion file)
    {
        file = harness.Catalog.UploadJobFiles(harness.Catalog.UploadJobs().Single().Id).Single().File!.Value;
        var version = file;
        return harness.Catalog.Fragments(version).Count(f => f.State == FragmentState.Stored);
    }
}
