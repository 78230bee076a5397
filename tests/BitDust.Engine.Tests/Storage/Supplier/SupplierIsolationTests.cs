using BitDust.Engine.Pipeline;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Storage.Protocol;
using static BitDust.Engine.Tests.Storage.Protocol.SupplierHarness;

namespace BitDust.Engine.Tests.Storage.Supplier;

public sealed class SupplierIsolationTests
{
    [Fact]
    public async Task A_second_customer_cannot_get_list_delete_or_audit_the_first_customers_fragments()
    {
        await using var harness = await StartAsync(1 << 20, "alice", "mallory");
        var (alice, mallory) = (harness.Client("alice"), harness.Client("mallory"));
        await alice.RequestSpaceAsync(1 << 19, CancellationToken.None).WaitAsync(StepTimeout);
        await mallory.RequestSpaceAsync(1 << 19, CancellationToken.None).WaitAsync(StepTimeout);
        var file = FileVersion.NewFile();
        var key = Key(file);
        var fragment = Fragment(key);
        await alice.PutFragmentAsync(key, fragment, CancellationToken.None).WaitAsync(StepTimeout);
        await alice.PutMetaAsync("catalog", new byte[] { 1, 2, 3 }, CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Null(await mallory.GetFragmentAsync(key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Empty(await mallory.ListFragmentsAsync(null, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Empty(await mallory.ListFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(0, await mallory.DeleteFragmentsAsync(file, CancellationToken.None).WaitAsync(StepTimeout));
        var audit = await Assert.ThrowsAsync<SupplierRefusedException>(() =>
            mallory.AuditAsync(key, new byte[16], CancellationToken.None)).WaitAsync(StepTimeout);
        Assert.Contains("not held", audit.Reason, StringComparison.Ordinal);
        Assert.Null(await mallory.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        await mallory.ReleaseSpaceAsync(CancellationToken.None).WaitAsync(StepTimeout);

        // Mallory writing the same key stores her own fragment beside alice's, not over it.
        await mallory.RequestSpaceAsync(1 << 19, CancellationToken.None).WaitAsync(StepTimeout);
        await mallory.PutFragmentAsync(key, Fragment(key), CancellationToken.None).WaitAsync(StepTimeout);

        Assert.Equal(fragment, await alice.GetFragmentAsync(key, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(new byte[] { 1, 2, 3 }, await alice.GetMetaAsync("catalog", CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(2, harness.Store.Customers().Count);
    }
}
