using BitDust.Engine.Network.Dht;
using BitDust.Engine.Storage.Customer;
using BitDust.Engine.Tests.Network.Dht;
using static BitDust.Engine.Tests.Storage.Customer.CustomerHarness;

namespace BitDust.Engine.Tests.Storage.Customer;

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

        Assert.True(await FamilyRecord.PublishAsync(writer, owner, small, CancellationToken.None).WaitAsync(StepTimeout) > 0);
        Assert.Equal(small, await FamilyRecord.ReadAsync(reader, owner.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));

        Assert.True(await FamilyRecord.PublishAsync(writer, owner, large, CancellationToken.None).WaitAsync(StepTimeout) > 0);
        Assert.Equal(large, await FamilyRecord.ReadAsync(reader, owner.PublicKey, CancellationToken.None).WaitAsync(StepTimeout));
        Assert.Null(await FamilyRecord.ReadAsync(reader, DhtSigningKey.Generate().PublicKey,
            CancellationToken.None).WaitAsync(StepTimeout));
    }
}
