using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Storage.Protocol;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;
using static BitDust.Engine.Tests.Storage.Customer.Families.EmployerTests;

namespace BitDust.Engine.Tests.Storage.Customer.Rebuilding;

/// <summary>Audits that catch damage on a supplier's disk, and the rebuild that repairs it, with no copy of the original file.</summary>
public sealed class RebuildTests
{
    [Theory]
    [InlineData("payload")]
    [InlineData("header")]
    [InlineData("dropped")]
    public async Task Damage_on_a_supplier_disk_fails_its_audit_and_the_rebuild_puts_the_fragment_back_there(string damage)
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        var content = RandomBytes(BlockSize / 2);
        var local = harness.LocalFile("note.txt", content);
        await harness.UploadAsync(local, "note.txt");
        File.Delete(local);
        var version = Assert.Single(harness.Catalog.Versions(harness.Catalog.FindFile("note.txt")!.FileId)).File;
        var requested = 0;
        var employer = harness.NewEmployer(new EmployerOptions(), () => Interlocked.Increment(ref requested));
        var clean = await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout);
        Assert.All(clean, r => Assert.Equal((AuditOutcome.Passed, 1), (r.Outcome, r.FragmentsChecked)));
        Assert.All(harness.Family.Members, m => Assert.Equal(true, m!.AuditPassed));

        var key = new FragmentKey(version, 0, 3);
        var file = harness.Suppliers[3].FragmentFile(key);
        if (damage == "dropped")
            File.Delete(file);
        else
            FlipByte(file, damage == "header" ? 50 : FragmentHeader.Size + 100);
        var audits = await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout);

        var failed = Assert.Single(audits, r => r.Outcome != AuditOutcome.Passed);
        Assert.Equal((3, AuditOutcome.Failed, null), (failed.Position, failed.Outcome, failed.Action));
        Assert.StartsWith(key.ToString(), Assert.Single(failed.Problems), StringComparison.Ordinal);
        var recorded = Assert.Single(harness.Catalog.Fragments(version), f => f.Key == key);
        Assert.Equal(damage == "dropped" ? FragmentState.Missing : FragmentState.Bad, recorded.State);
        Assert.Equal((false, "supplier-3"), (harness.Family.MemberAt(3)!.AuditPassed, harness.Family.MemberAt(3)!.Supplier));
        Assert.Equal(1, Volatile.Read(ref requested));
        Assert.Equal(["degraded"], harness.Storage.Inspect("note.txt").Select(v => v.State));

        var rebuild = await harness.NewRebuilder().RebuildAsync(CancellationToken.None).WaitAsync(StepTimeout);

        Assert.True(rebuild is { State: TransferState.Complete, FragmentsSent: 1 }, rebuild?.Error);
        Assert.Equal(FragmentState.Stored, Assert.Single(harness.Catalog.Fragments(version), f => f.Key == key).State);
        Assert.True(harness.AtFullRedundancy("note.txt"));
        Assert.All(await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout),
            r => Assert.Equal(AuditOutcome.Passed, r.Outcome));
        foreach (var position in new[] { 0, 1, 2 })
            await harness.Suppliers[position].StopAsync();
        var download = await harness.DownloadAsync("note.txt", harness.OutputPath("note.txt"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("note.txt")).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Fragments_missing_after_an_upload_with_a_supplier_down_are_completed_when_it_comes_back()
    {
        await using var harness = await StartAsync();
        await harness.HireAsync();
        await harness.Suppliers[4].StopAsync();
        var content = RandomBytes(3 * BlockSize - 5);
        var local = harness.LocalFile("late.bin", content);
        await harness.UploadAsync(local, "late.bin");
        File.Delete(local);
        var health = Assert.Single(harness.Storage.Inspect("late.bin"));
        Assert.Equal("degraded", health.State);
        Assert.Equal([6, 6, 6], health.Blocks.Select(b => b.Healthy));
        var rebuilder = harness.NewRebuilder();
        var employer = harness.NewEmployer(new EmployerOptions
        {
            PingInterval = TimeSpan.FromMilliseconds(100), AuditInterval = TimeSpan.FromHours(1), OfflineDeadline = TimeSpan.FromHours(1),
        }, rebuilder.Request);
        Assert.Null(await rebuilder.RebuildAsync(CancellationToken.None).WaitAsync(StepTimeout));

        harness.Suppliers[4].Restart();
        await RunUntilAsync(employer, rebuilder, () => harness.AtFullRedundancy("late.bin"));

        Assert.Equal(("supplier-4", SupplierState.Connected), (harness.Family.MemberAt(4)!.Supplier, harness.Family.MemberAt(4)!.State));
        Assert.Equal(3, harness.Suppliers[4].HeldFragments);
        Assert.Equal("complete", Assert.Single(harness.Catalog.ListFiles()).State);
        foreach (var position in new[] { 0, 1, 2 })
            await harness.Suppliers[position].StopAsync();
        var download = await harness.DownloadAsync("late.bin", harness.OutputPath("late.bin"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("late.bin")).WaitAsync(StepTimeout));
    }
}
