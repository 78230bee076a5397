using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Storage.Customer.Families;
using BitDust.Engine.Storage.Protocol;
using BitDust.Engine.Tests.Network.Dht;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer.Families;

[Collection(DhtNetworkCollection.Name)]
public sealed class FamilyTests
{
    [Fact]
    public async Task Fewer_suppliers_than_needed_are_hired_and_the_shortfall_is_said()
    {
        await using var harness = await StartAsync(suppliers: 5, familySize: 7);
        var hiring = harness.Hiring();

        Assert.False(await hiring.TryFillAsync(CancellationToken.None).WaitAsync(StepTimeout));

        Assert.StartsWith("found 5 of 7 suppliers", hiring.Status, StringComparison.Ordinal);
        Assert.Equal(64L << 20, SupplierHiring.QuotaFor(256L << 20, 7, harness.Family.Scheme));
        var members = harness.Family.Members;
        Assert.All(members.Take(5), m => Assert.Equal((SupplierState.Hired, 64L << 20), (m!.State, m.QuotaBytes)));
        Assert.All(members.Skip(5), Assert.Null);
        Assert.Equal(["supplier-0", "supplier-1", "supplier-2", "supplier-3", "supplier-4"], members.Take(5).Select(m => m!.Supplier));
        Assert.All(harness.Suppliers, s => Assert.Equal(64L << 20, Assert.Single(s.Store.Customers()).QuotaBytes));
        Assert.False(harness.Family.IsComplete);
    }

    [Fact]
    public async Task The_family_published_in_the_DHT_is_read_back_by_another_node_large_ones_included()
    {
        await using var cluster = new DhtCluster();
        var genesis = await cluster.StartGenesisAsync();
        var writer = await cluster.StartJoiningAsync(genesis);
        var reader = await cluster.StartJoiningAsync(genesis);
        var owner = DhtSigningKey.Generate();
        string?[] small = ["bob", "carol", null, "dave", "erin", "frank", "grace"];
        var large = Enumerable.Range(0, 64).Select(i => (string?)$"http://identities.example.org:8084/supplier-{i:00}.xml").ToArray();

        Assert.True((await FamilyRecord.PublishAsync(writer, owner, small, CancellationToken.None).WaitAsync(StepTimeout)).Copies > 0);
        Assert.Equal(small, await FamilyRecord.ReadAsync(reader, owner.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));

        Assert.True((await FamilyRecord.PublishAsync(writer, owner, large, CancellationToken.None).WaitAsync(StepTimeout)).Copies > 0);
        Assert.Equal(large, await FamilyRecord.ReadAsync(reader, owner.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Null(await FamilyRecord.ReadAsync(reader, DhtSigningKey.Generate().PublicKey,
            CancellationToken.None).WaitAsync(StepTimeout));
    }

    [Fact]
    public async Task A_family_record_whose_owner_went_away_lives_on_while_someone_holding_it_puts_it_back()
    {
        var lifetime = TimeSpan.FromSeconds(2);
        var maintenance = TimeSpan.FromMilliseconds(250);
        await using var cluster = new DhtCluster(o => new DhtOptions
        {
            BindAddress = o.BindAddress, Genesis = o.Genesis, KnownNodes = o.KnownNodes, ItemLifetime = lifetime,
            MaintenanceInterval = maintenance,
            // The owner's node stays up (a dead node would slow every lookup down) but never puts its items again: it went away.
            RepublishInterval = TimeSpan.FromDays(1),
        });
        var genesis = await cluster.StartGenesisAsync();
        var owner = await cluster.StartJoiningAsync(genesis);
        var supplier = await cluster.StartJoiningAsync(genesis);
        var reader = await cluster.StartJoiningAsync(genesis);
        var ownerKey = DhtSigningKey.Generate();
        var largeKey = DhtSigningKey.Generate();
        string?[] family = ["bob", "carol", "dave", "erin"];
        var large = Enumerable.Range(0, 26).Select(i => (string?)$"http://identities.example.org:8084/supplier-{i:00}.xml").ToArray();
        var (record, _) = await FamilyRecord.PublishAsync(owner, ownerKey, family, CancellationToken.None).WaitAsync(StepTimeout);
        var (largeRecord, _) = await FamilyRecord.PublishAsync(owner, largeKey, large, CancellationToken.None).WaitAsync(StepTimeout);
        // What a supplier keeps is the exact signed bytes, read back as a customer left them.
        Assert.True(FamilyMeta.TryDecode(record.Encode(), out var kept, out var error), error);
        Assert.True(FamilyMeta.TryDecode(largeRecord.Encode(), out var keptLarge, out error), error);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < lifetime * 3)
        {
            await kept.RepublishAsync(supplier, CancellationToken.None).WaitAsync(StepTimeout);
            await keptLarge.RepublishAsync(supplier, CancellationToken.None).WaitAsync(StepTimeout);
            await Task.Delay(lifetime / 4);
        }

        Assert.Equal(family, await FamilyRecord.ReadAsync(reader, ownerKey.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Equal(large, await FamilyRecord.ReadAsync(reader, largeKey.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));
        // Nobody puts it back any more: it is gone a lifetime later (and was not only kept by the test's timing).
        await Task.Delay(lifetime + maintenance * 4);
        Assert.Null(await FamilyRecord.ReadAsync(reader, ownerKey.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));
    }
}
