using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Customer.Rebuilding;
using BitDust.Engine.Storage.Customer.Records;
using BitDust.Engine.Storage.Customer.Transfers;
using BitDust.Engine.Storage.Protocol;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer.Families;

/// <summary>Monitoring, firing and replacement over real TLS suppliers, with short intervals instead of the defaults.</summary>
public sealed class EmployerTests
{
    /// <summary>Pings often, a short deadline, no audits.</summary>
    private static readonly EmployerOptions Watchful = new()
    {
        PingInterval = TimeSpan.FromMilliseconds(100), AuditInterval = TimeSpan.FromHours(1),
        OfflineDeadline = TimeSpan.FromMilliseconds(300), RequestTimeout = TimeSpan.FromSeconds(10),
    };

    [Theory]
    [InlineData(new[] { 2 })]
    [InlineData(new[] { 1, 5 })]
    public async Task Suppliers_gone_past_the_deadline_are_replaced_by_spares_whose_rebuilt_fragments_read_the_file_with_m_others_stopped(
        int[] gone)
    {
        await using var harness = await StartAsync(suppliers: 7 + gone.Length, familySize: 7);
        await harness.HireAsync();
        var content = RandomBytes(5 * BlockSize + 321);
        var local = harness.LocalFile("photo.jpg", content);
        await harness.UploadAsync(local, "photo.jpg");
        // The rebuild must come from the other suppliers' fragments, never from the original.
        File.Delete(local);
        var backups = 0;
        var rebuilder = harness.NewRebuilder(() => Interlocked.Increment(ref backups));
        var employer = harness.NewEmployer(Watchful, rebuilder.Request);
        string[] spares = [.. Enumerable.Range(7, gone.Length).Select(i => $"supplier-{i}")];

        foreach (var position in gone)
            await harness.Suppliers[position].StopAsync();
        await RunUntilAsync(employer, rebuilder, () => gone.All(p => spares.Contains(harness.Family.MemberAt(p)?.Supplier)) &&
            harness.AtFullRedundancy("photo.jpg"));

        Assert.Equal(gone.Select(p => $"supplier-{p}").Order(), harness.Family.FiredSuppliers.Order());
        Assert.True(harness.Family.IsComplete);
        var version = Assert.Single(harness.Catalog.Versions(harness.Catalog.FindFile("photo.jpg")!.FileId)).File;
        foreach (var position in gone)
        {
            var replacement = harness.Family.MemberAt(position)!.Supplier;
            var there = harness.Catalog.Fragments(version).Where(f => f.Key.Position == position).ToList();
            Assert.Equal(6, there.Count);
            Assert.All(there, f => Assert.Equal((replacement, FragmentState.Stored), (f.Supplier, f.State)));
        }
        Assert.All(harness.Suppliers.Skip(7), s => Assert.Equal(6, s.HeldFragments));
        Assert.Contains(harness.Storage.Transfers.List(), t => t is { Kind: TransferKind.Rebuild, State: TransferState.Complete });
        Assert.True(Volatile.Read(ref backups) > 0);
        Assert.Equal("complete", Assert.Single(harness.Catalog.ListFiles()).State);

        // k = 4 of 7: with m = 3 others stopped too, the file can only be read through the rebuilt positions.
        foreach (var position in Enumerable.Range(0, 7).Except(gone).Take(3))
            await harness.Suppliers[position].StopAsync();
        var download = await harness.DownloadAsync("photo.jpg", harness.OutputPath("photo.jpg"));
        Assert.True(download.State == TransferState.Complete, download.Error);
        Assert.Equal(content, await File.ReadAllBytesAsync(harness.OutputPath("photo.jpg")).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task Without_a_supplier_to_hire_the_position_stays_fired_and_the_employer_says_so()
    {
        await using var harness = await StartAsync(suppliers: 7, familySize: 7);
        await harness.HireAsync();
        await harness.UploadAsync(harness.LocalFile("a.bin", RandomBytes(2 * BlockSize)), "a.bin");
        var rebuilder = harness.NewRebuilder();
        var employer = harness.NewEmployer(Watchful, rebuilder.Request);

        await harness.Suppliers[5].StopAsync();
        await RunUntilAsync(employer, rebuilder, () => harness.Family.MemberAt(5)?.State == SupplierState.Fired &&
            employer.Status.StartsWith("position 5 empty", StringComparison.Ordinal));

        Assert.Contains("found 6 of 7 suppliers", employer.Status, StringComparison.Ordinal);
        Assert.Equal("supplier-5", harness.Family.MemberAt(5)!.Supplier);
        Assert.False(harness.Family.IsComplete);
        Assert.All(harness.Catalog.FragmentsAt(5), f => Assert.Equal(FragmentState.Missing, f.State));
        var health = Assert.Single(harness.Storage.Inspect("a.bin"));
        Assert.Equal(("degraded", 2), (health.State, health.BelowFullRedundancy.Count));
        Assert.Null(await rebuilder.RebuildAsync(CancellationToken.None).WaitAsync(StepTimeout));
        Assert.StartsWith("2 fragments wait for their position's supplier", rebuilder.Status, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_supplier_failing_two_audits_in_a_row_is_fired_and_replaced()
    {
        await using var harness = await StartAsync(suppliers: 8, familySize: 7);
        await harness.HireAsync();
        var version = await UploadAsync(harness, 2 * BlockSize);
        var employer = harness.NewEmployer(new EmployerOptions { FragmentsPerAudit = 1 }, () => { });
        foreach (var block in new[] { 0, 1 })
            FlipByte(harness.Suppliers[4].FragmentFile(new FragmentKey(version, block, 4)), FragmentHeader.Size + 7);

        var first = (await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout))[4];
        Assert.Equal((AuditOutcome.Failed, null, "supplier-4"), (first.Outcome, first.Action, harness.Family.MemberAt(4)!.Supplier));
        var second = (await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout))[4];

        Assert.Equal((AuditOutcome.Failed, "fired: failed 2 audits in a row"), (second.Outcome, second.Action));
        Assert.Equal("supplier-7", harness.Family.MemberAt(4)!.Supplier);
        Assert.Contains("supplier-4", harness.Family.FiredSuppliers);
        Assert.All(harness.Catalog.FragmentsAt(4), f => Assert.Equal(FragmentState.Missing, f.State));
        // A member answering is asked to let go of what it kept for the customer.
        Assert.Equal(0, harness.Suppliers[4].HeldFragments);
    }

    [Fact]
    public async Task A_supplier_that_dropped_its_contract_is_fired_at_its_first_failed_audit()
    {
        await using var harness = await StartAsync(suppliers: 8, familySize: 7);
        await harness.HireAsync();
        await UploadAsync(harness, BlockSize);
        var employer = harness.NewEmployer(new EmployerOptions(), () => { });
        await harness.Family.ClientAt(3)!.ReleaseSpaceAsync(CancellationToken.None).WaitAsync(StepTimeout);

        var report = (await employer.AuditAllAsync(CancellationToken.None).WaitAsync(StepTimeout))[3];

        Assert.Equal(AuditOutcome.Failed, report.Outcome);
        Assert.Contains("contract was dropped", report.Action, StringComparison.Ordinal);
        Assert.Contains("does not hold it any more", Assert.Single(report.Problems), StringComparison.Ordinal);
        Assert.Equal("supplier-7", harness.Family.MemberAt(3)!.Supplier);
    }

    [Fact]
    public async Task Replacing_a_position_on_request_fires_its_supplier_hires_a_spare_and_the_rebuild_fills_it()
    {
        await using var harness = await StartAsync(suppliers: 8, familySize: 7);
        await harness.HireAsync();
        await UploadAsync(harness, 3 * BlockSize);
        var requested = 0;
        var employer = harness.NewEmployer(new EmployerOptions(), () => Interlocked.Increment(ref requested));

        var report = await employer.ReplaceAsync(6, "replaced on request", CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Equal((6, "supplier-6", "supplier-7"), (report.Position, report.Fired, report.Hired));
        Assert.Equal(1, Volatile.Read(ref requested));
        var rebuild = await harness.NewRebuilder().RebuildAsync(CancellationToken.None).WaitAsync(StepTimeout);
        Assert.NotNull(rebuild);
        Assert.True(rebuild is { State: TransferState.Complete, FragmentsSent: 3, FilesDone: 1 }, rebuild.Error);
        Assert.Equal((rebuild.BytesTotal, 3), (rebuild.BytesDone, harness.Suppliers[7].HeldFragments));
        Assert.True(harness.AtFullRedundancy("file.bin"));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => employer.ReplaceAsync(7, "", CancellationToken.None));
    }

    /// <summary>Uploads random bytes as file.bin; the local copy is deleted afterwards.</summary>
    internal static async Task<FileVersion> UploadAsync(CustomerHarness harness, int size)
    {
        var local = harness.LocalFile("file.bin", RandomBytes(size));
        await harness.UploadAsync(local, "file.bin");
        File.Delete(local);
        return Assert.Single(harness.Catalog.Versions(harness.Catalog.FindFile("file.bin")!.FileId)).File;
    }

    internal static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var original = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(original ^ 0x01));
    }

    /// <summary>Runs the employer and the rebuild until <paramref name="done"/>, then stops them.</summary>
    internal static async Task RunUntilAsync(Employer employer, Rebuilder rebuilder, Func<bool> done)
    {
        using var stop = new CancellationTokenSource();
        var running = Task.WhenAll(employer.RunAsync(stop.Token), rebuilder.RunAsync(stop.Token));
        try
        {
            await WaitUntilAsync(() => done() || running.IsCompleted);
        }
        finally
        {
            await stop.CancelAsync();
            await running.WaitAsync(StepTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        Assert.True(running.IsCanceled, running.Exception?.ToString());
    }
}
